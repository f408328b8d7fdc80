//! Each workflow version's program, loaded once.

use std::collections::HashMap;

use rappel_store::Version;
use rrl::exec::Program;

use crate::program::load_program;

/// Programs by version id. A `Machine<'p>` borrows its `Program`, and the
/// machines of one version live as long as any instance of it is held, so
/// each program is leaked once, for the life of the process: versions are
/// few (one per distinct `.rrl` text registered) and never change, which
/// makes this bounded where an arena would add bookkeeping for nothing.
#[derive(Default)]
pub struct Programs {
    loaded: HashMap<i64, Result<&'static Program, String>>,
}

impl Programs {
    /// The program of `version`, or why it cannot run.
    pub fn get(&mut self, version: &Version) -> Result<&'static Program, String> {
        self.loaded
            .entry(version.id)
            .or_insert_with(|| {
                load_program(&version.name, &version.rrl_text)
                    .map(|program| &*Box::leak(Box::new(program)))
                    .map_err(|error| error.to_string())
            })
            .clone()
    }
}
