//! Images: OCI image layouts and Docker archives, image indexes per platform, tar+gzip layers
//! with whiteouts, the recipes the tutorial's images are built from, and dockerd's image store.

pub mod digest;
pub mod layer;
pub mod oci;
pub mod tarball;
pub mod build;
pub mod recipe;
pub mod tree;
pub mod catalog;
pub mod layout;
