"""Tests that run one program to power-off and check what it printed."""

from __future__ import annotations

from lacosim.tests.base import LacosimTest


class ElfTest(LacosimTest):
    """make sim ELF=path: any program; passes when it powers off with no failed check. An exception the
    program handles is behaviour, not a failure (lockstep checks the RTL raised exactly what the reference
    model raised); only an exception with no handler installed or a handler that faults at its first
    instruction fails. STRICT=1: every exception but SYS and BRK fails."""
    name = "elf"
    expected_exceptions = frozenset({"SYS", "BRK"})
    handled_exceptions_allowed = True


class HelloTest(LacosimTest):
    name = "hello"
    program = "hello"

    def check(self) -> None:
        text = bytes(self.env.uart.text)
        if b"Hello from lacosim!" not in text:
            self.fail("the greeting never reached the UART",
                      f"expected a line 'Hello from lacosim!'; observed {text[:200]!r}", check="uart")
