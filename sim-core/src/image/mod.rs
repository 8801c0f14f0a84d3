pub mod tarball;
