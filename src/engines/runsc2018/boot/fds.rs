//! `fdDispenser` (fs.go:67-82): hands out gofer FDs front to back.

use crate::error::{Error, Result};
use std::fmt;

/// The gofer FDs a container setup may still consume.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FdDispenser {
    fds: Vec<i32>,
    next: usize,
}

impl FdDispenser {
    pub fn new(fds: &[i32]) -> FdDispenser {
        FdDispenser {
            fds: fds.to_vec(),
            next: 0,
        }
    }

    /// `remove()`: the next FD. runsc **panics** when none is left; we return
    /// a fatal error with the panic text.
    pub fn remove(&mut self) -> Result<i32> {
        match self.fds.get(self.next) {
            Some(fd) => {
                self.next += 1;
                Ok(*fd)
            }
            None => Err(Error::fatal("fdDispenser out of fds")),
        }
    }

    /// `empty()`.
    pub fn is_empty(&self) -> bool {
        self.next >= self.fds.len()
    }

    /// The FDs not yet handed out.
    pub fn remaining(&self) -> &[i32] {
        self.fds.get(self.next..).unwrap_or(&[])
    }

    /// How many FDs were handed out.
    pub fn consumed(&self) -> &[i32] {
        self.fds.get(..self.next).unwrap_or(&[])
    }
}

impl fmt::Display for FdDispenser {
    /// Go's `%v` of a `*fdDispenser`: `&{[4 5]}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.remaining().iter().map(i32::to_string).collect();
        write!(f, "&{{[{}]}}", parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispenses_in_order_then_panics() {
        let mut d = FdDispenser::new(&[3, 4, 5]);
        assert_eq!(d.remove().unwrap(), 3);
        assert_eq!(d.to_string(), "&{[4 5]}");
        assert_eq!(d.remove().unwrap(), 4);
        assert_eq!(d.remove().unwrap(), 5);
        assert!(d.is_empty());
        assert_eq!(d.to_string(), "&{[]}");
        let e = d.remove().unwrap_err();
        assert!(e.is_fatal());
        assert_eq!(e.to_string(), "fdDispenser out of fds");
        assert_eq!(d.consumed(), &[3, 4, 5]);
    }
}
