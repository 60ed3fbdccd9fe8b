"""The GINTC scoreboard's prediction (design.md 12.3): guest IS[9:2] = VIP | (PIP & physical HWI)."""

from __future__ import annotations

from lacosim.env.gintc_scoreboard import CoreGintc, hwi


def test_vip_asserts_and_pip_passes_only_its_physical_lines():
    st = CoreGintc()
    st.phys.set(5, 0b1010_0000)
    st.gintc.set(11, 0x01 | (0x20 << 8))   # VIP0, PIP5
    assert st.predicted(10) == 0
    assert st.predicted(11) == 0b0010_0001  # line 7 is physical but not passed through
    st.phys.set(20, 0)
    assert st.predicted(20) == 0b0000_0001


def test_the_irq_word_carries_both_banks():
    word = (0b11 << 2) | (0b101 << (16 + 2))
    assert hwi(word, guest=False) == 0b11 and hwi(word, guest=True) == 0b101
