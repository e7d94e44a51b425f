//! Today's runsc (gVisor VFS2, `runsc/boot/vfs.go` at 3c5eee17): the rules
//! that depend only on the spec and runsc's flags.
