//! Error numbers with the messages glibc's `strerror` gives them.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Errno {
    EPERM,
    ENOENT,
    ESRCH,
    EACCES,
    EEXIST,
    ENOTDIR,
    EISDIR,
    EINVAL,
    ENOSPC,
    EROFS,
    ENOTEMPTY,
    ELOOP,
    ENAMETOOLONG,
    EBUSY,
    EAGAIN,
    ENODEV,
    ENOEXEC,
    EXDEV,
}

impl Errno {
    pub fn message(self) -> &'static str {
        match self {
            Errno::EPERM => "Operation not permitted",
            Errno::ENOENT => "No such file or directory",
            Errno::ESRCH => "No such process",
            Errno::EACCES => "Permission denied",
            Errno::EEXIST => "File exists",
            Errno::ENOTDIR => "Not a directory",
            Errno::EISDIR => "Is a directory",
            Errno::EINVAL => "Invalid argument",
            Errno::ENOSPC => "No space left on device",
            Errno::EROFS => "Read-only file system",
            Errno::ENOTEMPTY => "Directory not empty",
            Errno::ELOOP => "Too many levels of symbolic links",
            Errno::ENAMETOOLONG => "File name too long",
            Errno::EBUSY => "Device or resource busy",
            Errno::EAGAIN => "Resource temporarily unavailable",
            Errno::ENODEV => "No such device",
            Errno::ENOEXEC => "Exec format error",
            Errno::EXDEV => "Invalid cross-device link",
        }
    }
}

impl std::fmt::Display for Errno {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}
