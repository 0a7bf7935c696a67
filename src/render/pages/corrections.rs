//! `/corrections/`: every corrected article with its corrections, newest
//! correction first (what the Trust Project asks a news site to publish).

use super::context::{CorrectionShown, Summary};
use super::print::Printed;
use super::{Prepared, Renderer};
use crate::render::listings::corrected;
use serde::Serialize;

/// A corrected article and its corrections: an item of `corrections`.
#[derive(Serialize)]
pub(super) struct Corrected<'a> {
    article: &'a Printed<Summary<'a>>,
    corrections: Vec<CorrectionShown<'a>>,
}

/// The corrections page.
pub(super) fn prepare<'r>(r: &'r Renderer) -> Prepared<'r, Vec<Corrected<'r>>> {
    let entries: Vec<Corrected> = corrected(r.site)
        .into_iter()
        .map(|i| Corrected {
            article: &r.summaries[i],
            corrections: CorrectionShown::all(r, &r.site.articles[i]),
        })
        .collect();
    Prepared {
        template: "corrections.html",
        path: "corrections/".into(),
        origin: "the corrections page".into(),
        context: r.context(
            "التصحيحات".into(),
            "corrections/",
            "corrections",
            None,
            Some(("corrections", entries)),
        ),
    }
}
