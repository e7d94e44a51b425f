//! runc (opencontainers/runc at 76d9cf5d): the rules that depend only on the
//! spec (`libcontainer/specconv`, `libcontainer/configs/validate`).
