"""The Verilator build flow: what goes into a model, and when a cached model is reused."""

from __future__ import annotations

import pytest
from lacosim import build


def test_sources_start_with_the_package_and_end_with_the_testbench_top():
    srcs = build.rtl_sources()
    assert srcs[0].name == "la_pkg.sv"
    assert srcs[-1].name == "la_tb_top.sv"
    assert any(p.name == "la_core.sv" for p in srcs) and any(p.name == "la_soc.sv" for p in srcs)
    assert build.REPO / "sim" / "lacosim.vlt" in build.control_files()


def test_cache_key_changes_with_content_and_options_only(tmp_path):
    a = tmp_path / "a.sv"
    a.write_text("module a; endmodule\n")
    k1 = build.build_key([a], ["-GCores=1"])
    assert build.build_key([a], ["-GCores=1"]) == k1            # unchanged: reuse the model
    assert build.build_key([a], ["-GCores=2"]) != k1            # another option: another model
    a.write_text("module a; wire w; endmodule\n")
    assert build.build_key([a], ["-GCores=1"]) != k1            # edited source: rebuild


def test_model_options_select_cores_waves_and_planted_bugs():
    args = build._common_args(2, waves=True, bug="sltu_signed")
    assert "-GCores=2" in args and "--trace-fst" in args and "+define+LACOSIM_BUG_SLTU_SIGNED" in args
    plain = build._common_args(1, waves=False, bug="")
    assert "--trace-fst" not in plain and not any(a.startswith("+define+LACOSIM_BUG") for a in plain)
    # a Verilator warning fails our models and the planted bugs; only a mutant may carry one
    assert "-Wno-fatal" not in args + plain and "-Wno-fatal" in build._common_args(1, False, "", mutant=True)


def test_bad_requests_are_rejected_before_building():
    with pytest.raises(build.BuildError, match="1 to 4 cores"):
        build.build_model(cores=5)
    with pytest.raises(build.BuildError, match="unknown BUG 'nope'"):
        build.build_model(bug="nope")


def test_cocotb_flavour_never_makes_every_signal_public():
    args, _ = build._flavour_args("cocotb")
    assert "--public-flat-rw" not in args and "--vpi" in args


def test_a_run_waits_for_another_one_building_the_same_model(tmp_path, monkeypatch, capsys):
    """Two runs needing the same unbuilt model used to build it at once and corrupt its PCH files."""
    import fcntl
    import threading

    monkeypatch.setattr(build, "BUILD_DIR", tmp_path)
    built: list[str] = []
    monkeypatch.setattr(build, "_build_locked", lambda mdir, name, *a, **k: built.append(name) or name)
    (tmp_path / "verilator").mkdir()
    holder = (tmp_path / "verilator" / "cocotb-c1.lock").open("w")
    fcntl.flock(holder, fcntl.LOCK_EX)  # another run is building cocotb-c1
    result: list[object] = []
    waiter = threading.Thread(target=lambda: result.append(build.build_model(cores=1)))
    waiter.start()
    waiter.join(timeout=2)
    assert waiter.is_alive() and not built, "the second run must wait for the builder"
    fcntl.flock(holder, fcntl.LOCK_UN)
    holder.close()
    waiter.join(timeout=10)
    assert built == ["cocotb-c1"] and result == ["cocotb-c1"]
    assert "waiting for another run that is building the model cocotb-c1" in capsys.readouterr().out
