#!/usr/bin/env python3
"""Writes kukeond's default seccomp profile (the OCI runtime spec's linux.seccomp) from this machine's
kernel headers: every syscall x86_64 and aarch64 define, minus denied-syscalls.txt, allowed; anything
else fails with EPERM. Run it again when the headers know new syscalls, and commit the result:

    scripts/seccomp/generate-default-profile.py [x86_64 unistd_64.h] [asm-generic/unistd.h]

OciSeccompProfileTest checks the committed profile against denied-syscalls.txt."""
import json
import pathlib
import re
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent.parent / "src/main/resources/io/kukeon/runtime/oci/default-seccomp.json"
X86_64 = sys.argv[1] if len(sys.argv) > 1 else "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"
GENERIC = sys.argv[2] if len(sys.argv) > 2 else "/usr/include/asm-generic/unistd.h"
# what arch/arm64/include/uapi/asm/unistd.h defines before it includes asm-generic/unistd.h
AARCH64_WANTS = ["RENAMEAT", "NEW_STAT", "SET_GET_RLIMIT", "SYS_CLONE3", "MEMFD_SECRET"]
# CLONE_NEWTIME | CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET
NAMESPACE_FLAGS = 0x00000080 | 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000
ENOSYS = 38
EPERM = 1
WITH_RULES = {"clone", "clone3", "unshare"}
NOT_SYSCALLS = {"syscalls", "arch_specific_syscall"}


def names(header, defines=()):
    """The __NR_ names the header defines once preprocessed as a 64-bit build with `defines`."""
    flags = ["-D__BITS_PER_LONG=64"] + ["-D__ARCH_WANT_" + d for d in defines]
    text = subprocess.run(["cpp", "-dM", *flags, header], check=True, capture_output=True, text=True).stdout
    found = set(re.findall(r"^#define __NR_(\w+) ", text, re.M)) - NOT_SYSCALLS
    if len(found) < 250:
        sys.exit(f"{header}: only {len(found)} syscalls; is it the kernel's unistd header?")
    return found


def denied():
    out = set()
    for line in (HERE / "denied-syscalls.txt").read_text().splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            out.add(word)
    return out


def main():
    deny = denied()
    known = names(X86_64) | names(GENERIC, AARCH64_WANTS)
    missing = deny - known
    if missing:
        sys.exit(f"denied-syscalls.txt names syscalls these headers do not know: {sorted(missing)}")
    allowed = sorted(known - deny - WITH_RULES)
    no_namespace_flag = [{"index": 0, "value": NAMESPACE_FLAGS, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]
    profile = {
        "defaultAction": "SCMP_ACT_ERRNO",
        "defaultErrnoRet": EPERM,
        "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"],
        "syscalls": [
            {"names": allowed, "action": "SCMP_ACT_ALLOW"},
            # x86_64 and aarch64 both pass clone's flags first (s390x would not)
            {"names": ["clone", "unshare"], "action": "SCMP_ACT_ALLOW", "args": no_namespace_flag},
            {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": ENOSYS},
        ],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(profile, indent=1) + "\n")
    print(f"{OUT}: {len(allowed)} syscalls allowed, {len(deny)} denied")


main()
