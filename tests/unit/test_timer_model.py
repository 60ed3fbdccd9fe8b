"""The timer scoreboard's prediction model, fed with hand-made writes (design.md 7.3)."""

from __future__ import annotations

from lacosim.env.timer_model import TVAL_ALL_ONES, TimerPredictor


def test_one_shot_counts_down_expires_and_holds_all_ones():
    t = TimerPredictor()
    t.write_tcfg(100 | 1, retire_cycle=1000)          # InitVal 100, En, one-shot
    assert t.tval(1000) is None                        # before the write is in force
    assert t.tval(1001) == 100
    assert t.tval(1050) == 51
    assert t.tval(1101) == 0
    assert t.tval(1102) == TVAL_ALL_ONES
    assert t.tval(5000) == TVAL_ALL_ONES
    assert t.expiries(0, 10_000) == [1102]             # c + InitVal + 2


def test_periodic_reloads_with_period_initval_plus_one():
    t = TimerPredictor()
    t.write_tcfg(8 | 3, retire_cycle=10)               # InitVal 8, periodic, En
    assert [t.tval(c) for c in range(11, 22)] == [8, 7, 6, 5, 4, 3, 2, 1, 0, 8, 7]
    assert t.expiries(0, 50) == [20, 29, 38, 47]


def test_initval_low_bits_are_ignored():
    t = TimerPredictor()
    t.write_tcfg(0x103 | 0, retire_cycle=0)            # bits [1:0] are En/Periodic, not count
    assert t.tval(1) == 0x100


def test_disabled_timer_loads_but_does_not_count():
    t = TimerPredictor()
    t.write_tcfg(40, retire_cycle=5)                   # En = 0
    assert t.tval(6) == 40 and t.tval(1000) == 40
    assert t.expiries(0, 10_000) == []


def test_rewrite_before_expiry_restarts_the_countdown():
    t = TimerPredictor()
    t.write_tcfg(100 | 1, retire_cycle=0)              # would expire at 102
    t.write_tcfg(100 | 1, retire_cycle=50)             # reloads: expires at 152 instead
    assert t.expiries(0, 1000) == [152]


def test_expiry_on_the_edge_of_a_rewrite_is_not_lost():
    t = TimerPredictor()
    t.write_tcfg(12 | 1, retire_cycle=0)               # TVAL 0 in cycle 13, TI visible in 14
    t.write_tcfg(100 | 1, retire_cycle=13)             # the rewrite takes effect at the same edge
    assert t.expiries(0, 1000) == [14, 115]


def test_disable_stops_a_pending_expiry():
    t = TimerPredictor()
    t.write_tcfg(100 | 1, retire_cycle=0)
    t.write_tcfg(0, retire_cycle=20)
    assert t.expiries(0, 1000) == []


# --- the guest timer: root writes of TVAL (design.md 12.4) -------------------------------------------
def test_tval_write_of_zero_fires_within_two_ticks_and_leaves_all_ones():
    t = TimerPredictor()
    t.write_tcfg(1000 | 3, 10)           # periodic: the forced fire must still behave as a one-shot
    t.write_tval(0, 100)                 # retires at 100: TVAL = 0 at 101, TI visible at 102
    assert t.expiries(100, 5000) == [102]
    assert t.tval(102) == TVAL_ALL_ONES and t.tval(4000) == TVAL_ALL_ONES


def test_tval_write_counts_down_then_follows_periodic():
    t = TimerPredictor()
    t.write_tcfg(100 | 3, 0)
    t.write_tval(40, 50)                 # 40 from cycle 51: expiry at 51 + 40 + 1, then every 101
    assert t.expiries(51, 400) == [92, 193, 294, 395]
    assert t.tval(51) == 40 and t.tval(91) == 0 and t.tval(92) == 100


def test_tval_write_is_held_while_the_timer_is_disabled():
    t = TimerPredictor()
    t.write_tcfg(100, 0)                 # En = 0
    t.write_tval(40, 50)
    assert t.expiries(0, 10_000) == [] and t.tval(9000) == 40


def test_tval_write_keeps_the_tcfg_of_before_a_zero_fire():
    t = TimerPredictor()
    t.write_tcfg(100 | 3, 0)
    t.write_tval(0, 10)                  # fire: a one-shot
    t.write_tval(20, 30)                 # back to periodic of InitVal 100 after 20 ticks
    assert t.expiries(31, 200) == [52, 153]
