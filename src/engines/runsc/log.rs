//! What runsc writes to its log while it decides mounts (`log.Warningf`,
//! `log.Infof`): the engine reports these texts, so the ported functions
//! collect them instead of printing.

use serde::Serialize;

/// The level of one log line, as gVisor's `pkg/log` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Warning,
    Info,
}

/// One line runsc would log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub level: Level,
    pub text: String,
}

/// The lines logged so far, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Log {
    pub entries: Vec<Entry>,
}

impl Log {
    /// `log.Warningf`.
    pub fn warn(&mut self, text: impl Into<String>) {
        self.entries.push(Entry {
            level: Level::Warning,
            text: text.into(),
        });
    }

    /// `log.Infof`.
    pub fn info(&mut self, text: impl Into<String>) {
        self.entries.push(Entry {
            level: Level::Info,
            text: text.into(),
        });
    }

    /// The warnings' texts, in order (what the report's `warnings` lists).
    pub fn warnings(&self) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|e| e.level == Level::Warning)
            .map(|e| e.text.as_str())
            .collect()
    }
}
