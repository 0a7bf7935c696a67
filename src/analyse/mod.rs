//! Arabic text analysis: normalisation now; tokens, stems and stop words
//! are computed once per article and shared by topics, related articles and
//! search.

pub mod normalise;
