//! One module per command: the edge where library errors get context.

pub mod build;
pub mod check;
pub mod import;
pub mod init;
pub mod new;
pub mod serve;
pub mod topics;
