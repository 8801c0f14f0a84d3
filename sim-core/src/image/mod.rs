//! Images: OCI image layouts and Docker archives, image indexes per platform, tar+gzip layers
//! with whiteouts, the recipes the tutorial's images are built from.

pub mod build;
pub mod catalog;
pub mod digest;
pub mod layer;
pub mod layout;
pub mod oci;
pub mod recipe;
pub mod tarball;
pub mod tree;
