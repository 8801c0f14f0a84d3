//! `binfmt_misc`: the kernel table that runs a binary of a foreign architecture through an
//! interpreter (qemu-user). Rancher Desktop's Lima VM on an M1 registers `qemu-x86_64`, so
//! `docker run --platform linux/amd64 ...` runs amd64 programs on the arm64 VM.
//!
//! What was checked on a real kernel (Debian 12, Linux 6.18, qemu-user-static 7.2, binfmt_misc
//! mounted at /proc/sys/fs/binfmt_misc, aarch64 alpine 3.15 run in a chroot on x86_64):
//! - an entry reads `enabled\ninterpreter PATH\nflags: FLAGS\noffset 0\nmagic HEX\nmask HEX\n`;
//!   flags print in the order P, O, C, F; the magic prints as registered (not pre-masked);
//!   `register` is `--w-------`, `status` and the entries `-rw-r--r--`, all size 0.
//! - exec through an entry without `P` (e.g. flags `OCF`): cmdline is
//!   `INTERPRETER FILENAME ARGV[1..]` (argv[0] is lost), comm is the basename of FILENAME,
//!   `/proc/PID/exe` is the interpreter (its symlinks resolved), state `Sl` (qemu's threads);
//!   with `P` (Debian's `POF`): `INTERPRETER FILENAME ARGV[0] ARGV[1..]`.
//! - `uname -m` in the emulated process prints the emulated machine (`aarch64` there).

/// One registered format, as `:name:M:offset:magic:mask:interpreter:flags` made it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BinfmtEntry {
    pub name: String,
    pub enabled: bool,
    pub interpreter: String,
    /// Registration flags in any order; printed in the kernel's order P, O, C, F.
    pub flags: String,
    pub offset: u32,
    pub magic: Vec<u8>,
    pub mask: Vec<u8>,
}

/// A mounted binfmt_misc: the entries in the order the kernel tries them (newest first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Binfmt {
    pub enabled: bool,
    pub entries: Vec<BinfmtEntry>,
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl BinfmtEntry {
    /// qemu's entry for an architecture (magic and mask from qemu's
    /// `scripts/qemu-binfmt-conf.sh`), or None for an architecture qemu-user has no entry for here.
    pub fn qemu(arch: &str, interpreter: &str, flags: &str) -> Option<BinfmtEntry> {
        let machine = elf_machine(arch)?;
        let (name, mask): (&str, [u8; 20]) = match machine {
            // x86_64_mask: the OS ABI and ABI version bytes and e_type's low bit are free.
            EM_X86_64 => ("qemu-x86_64", [0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xfe, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff]),
            // aarch64_mask (checked against Debian's /usr/lib/binfmt.d/qemu-aarch64.conf).
            _ => ("qemu-aarch64", [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff]),
        };
        Some(BinfmtEntry {
            name: name.into(),
            enabled: true,
            interpreter: interpreter.into(),
            flags: flags.into(),
            offset: 0,
            magic: elf_header(machine).to_vec(),
            mask: mask.to_vec(),
        })
    }

    /// The flags as the kernel prints them.
    pub fn flags_text(&self) -> String {
        "POCF".chars().filter(|c| self.flags.contains(*c)).collect()
    }

    /// The text of `/proc/sys/fs/binfmt_misc/NAME`.
    pub fn render(&self) -> String {
        format!(
            "{}\ninterpreter {}\nflags: {}\noffset {}\nmagic {}\nmask {}\n",
            if self.enabled { "enabled" } else { "disabled" },
            self.interpreter,
            self.flags_text(),
            self.offset,
            hex(&self.magic),
            hex(&self.mask)
        )
    }

    /// Whether the first bytes of a file match this entry.
    pub fn matches(&self, head: &[u8]) -> bool {
        let off = self.offset as usize;
        self.magic.iter().enumerate().all(|(i, m)| {
            let mask = self.mask.get(i).copied().unwrap_or(0xff);
            head.get(off + i).map(|b| (b ^ m) & mask == 0).unwrap_or(false)
        })
    }

    /// `P`: argv[0] is passed on to the interpreter after the file name.
    pub fn preserves_argv0(&self) -> bool {
        self.flags.contains('P')
    }
}

pub const EM_X86_64: u16 = 0x3e;
pub const EM_AARCH64: u16 = 0xb7;

/// The ELF machine of an architecture, named the OCI way (`amd64`, `arm64`) or the uname way.
pub fn elf_machine(arch: &str) -> Option<u16> {
    match arch {
        "amd64" | "x86_64" => Some(EM_X86_64),
        "arm64" | "aarch64" | "arm64/v8" => Some(EM_AARCH64),
        _ => None,
    }
}

/// What `uname -m` prints on a CPU of this architecture (Linux's names).
pub fn uname_machine(arch: &str) -> Option<&'static str> {
    match elf_machine(arch)? {
        EM_X86_64 => Some("x86_64"),
        _ => Some("aarch64"),
    }
}

/// The first 20 bytes of a 64-bit little-endian ELF executable (`ET_EXEC`) for `machine`.
pub fn elf_header(machine: u16) -> [u8; 20] {
    let m = machine.to_le_bytes();
    [0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, m[0], m[1]]
}

impl Binfmt {
    /// `/proc/sys/fs/binfmt_misc/status`.
    pub fn status_text(&self) -> &'static str {
        if self.enabled {
            "enabled\n"
        } else {
            "disabled\n"
        }
    }

    pub fn entry(&self, name: &str) -> Option<&BinfmtEntry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// The entry the kernel would use for an executable starting with `head`.
    pub fn handler(&self, head: &[u8]) -> Option<&BinfmtEntry> {
        if !self.enabled {
            return None;
        }
        self.entries.iter().find(|e| e.enabled && e.matches(head))
    }

    /// Registers an entry (`echo ':name:M::...' > register`): it is tried first. A name
    /// taken already is EEXIST, as the kernel answers.
    pub fn register(&mut self, e: BinfmtEntry) -> Result<(), super::Errno> {
        if self.entry(&e.name).is_some() {
            return Err(super::Errno::EEXIST);
        }
        self.entries.insert(0, e);
        Ok(())
    }
}

/// The argv an emulated exec gives the interpreter: `INTERP FILENAME [ARGV0] ARGV[1..]`.
pub fn interpreter_argv(e: &BinfmtEntry, filename: &str, argv: &[String]) -> Vec<String> {
    let mut v = vec![e.interpreter.clone(), filename.to_string()];
    let skip = if e.preserves_argv0() { 0 } else { 1 };
    v.extend(argv.iter().skip(skip).cloned());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aarch64_entry_reads_as_on_debian() {
        // Debian's qemu-aarch64 entry, registered from /usr/lib/binfmt.d/qemu-aarch64.conf.
        let e = BinfmtEntry::qemu("arm64", "/usr/libexec/qemu-binfmt/aarch64-binfmt-P", "OPF").expect("known arch");
        assert_eq!(
            e.render(),
            "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POF\noffset 0\nmagic 7f454c460201010000000000000000000200b700\nmask ffffffffffffff00fffffffffffffffffeffffff\n"
        );
    }

    #[test]
    fn x86_64_entry_and_matching() {
        let e = BinfmtEntry::qemu("amd64", "/usr/bin/qemu-x86_64", "CFO").expect("known arch");
        assert!(e.render().contains("flags: OCF\n"));
        assert!(e.render().contains("magic 7f454c4602010100000000000000000002003e00\nmask fffffffffffefe00fffffffffffffffffeffffff\n"));
        assert!(e.matches(&elf_header(EM_X86_64)));
        assert!(!e.matches(&elf_header(EM_AARCH64)));
        assert!(!e.matches(b"#!/bin/sh"));
    }

    #[test]
    fn argv_with_and_without_p() {
        let argv: Vec<String> = ["sleep", "31"].iter().map(|s| s.to_string()).collect();
        let ocf = BinfmtEntry::qemu("amd64", "/usr/bin/qemu-x86_64", "OCF").expect("arch");
        assert_eq!(interpreter_argv(&ocf, "/bin/sleep", &argv), ["/usr/bin/qemu-x86_64", "/bin/sleep", "31"]);
        let pof = BinfmtEntry::qemu("amd64", "/usr/bin/qemu-x86_64", "POF").expect("arch");
        assert_eq!(interpreter_argv(&pof, "/bin/sleep", &argv), ["/usr/bin/qemu-x86_64", "/bin/sleep", "sleep", "31"]);
    }
}
