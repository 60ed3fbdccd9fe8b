"""Tests that run one program to power-off and check what it printed."""

from __future__ import annotations

from lacosim.tests.base import LacosimTest


class ElfTest(LacosimTest):
    """make sim ELF=path: any program; passes when it powers off with no failed check. Programs may
    use system calls and breakpoints; an instruction the core does not implement (INE) is an error."""
    name = "elf"
    expected_exceptions = frozenset({"SYS", "BRK"})


class HelloTest(LacosimTest):
    name = "hello"
    program = "hello"

    def check(self) -> None:
        text = bytes(self.env.uart.text)
        if b"Hello from lacosim!" not in text:
            self.fail("the greeting never reached the UART",
                      f"expected a line 'Hello from lacosim!'; observed {text[:200]!r}", check="uart")
