"""Lockstep scoreboard: steps the reference model (lacosim.iss) on every retired instruction of the RTL
trace and compares what both did. The first divergence stops the test.

Synchronisation contract between the RTL trace and the reference model
======================================================================
This is the contract for every later extension (privileged architecture, interrupts, LVZ); change it
here first, in the same spirit as Ibex's dv/cosim/cosim.h.

Ordering
    Records arrive in trace order: by cycle; within a cycle IRQ events first, then retirements by core
    index (the SV top pushes them so). Each core has its own `Iss` hart (new_machine(..., lockstep=True));
    all harts share one `Memory` with the IOCSR space. Every data and IOCSR access happens exactly two
    cycles before its instruction retires (request in EX, no stall between EX and WB once issued), and
    la_ram/la_iocsr serialise same-cycle accesses in core order. Trace order is therefore the order the
    memory saw the accesses, so replaying them in trace order reproduces every value a core loaded,
    including LL/SC reservations broken by another core's store and IPI STATUS set by another core.

What `step` means
    One `Iss.step()` per retirement record of that core: the hart executes exactly the instruction at
    its pc, with its side effects on the shared memory and devices. An exception record (trap valid, not
    int) is stepped the same way: the hart raises the same exception itself and enters its handler.
    An interrupt record (trap int) is `hart.take_interrupt(intno)`: the hart checks that CRMD.IE = 1 and
    that intno is the highest set bit of ESTAT.IS & ECFG.LIE, then enters the handler with ERA = pc.
    The model never takes an interrupt on its own initiative: when is the RTL's (and the interrupt
    scoreboards check the latency).

What is compared (each record)
    pc, instruction word; GPR write (register, value) and the second write of rdtime (rj <- TID);
    memory: read/write flags, address (virtual; lddir/ldpte: physical), physical address (mem_pa) and
    size of every access, the value of every write (am*: the new memory value), whether it was an IOCSR
    access; CSR write (number, value presented); trap (valid, ecode, esubcode; a TLB refill is ecode
    0x3F), ertn; CRMD.PLV and CRMD.IE before the instruction (of the executing bank: the guest's in guest
    mode) and the guest-mode bit (GSTAT.VM before it); the LVZ flags (design.md 12.7): a CSR write to the
    guest bank (gcsr) and a trap taken to the root from guest mode (exit); the physical pc (pc_pa) of every record but
    interrupts and fetch faults (ADEF, and a refill/PIF/PPI/PNX the model raised for the fetch: the word
    was never fetched); the TLB write of a tlbwr/tlbfill (tlb_we, tlb_idx; design.md 9.5).
    A mismatch report adds the translation: VA, expected and observed PA, and the model's TLB entry
    matching the VA (or "no matching entry").
    At the end: the UART bytes the model wrote equal the bytes the RTL's UART transmitted, and a run that
    ended by power-off ended by power-off in the model too.

What is not compared (and why)
    Cycle timing (the model is untimed; the timer, IPI and exception scoreboards check timing).

Asynchronous inputs: given to the model at the recorded point, before the hart steps past it
    - IRQ event (the irq word: root ESTAT.IS [12:2] levels HWI0-7, TI, IPI; guest IS [28:16], of which the
      model takes the guest TI [27] and computes the rest itself): `hart.set_irq_lines(word)` in trace order;
    - counter and timer reads (`rdtime*`, csr* of TVAL: `is_async_read(insn)`): `hart.set_async_value(v)`
      with the RTL's rd value before the step (the counter is cycle-derived); the model checks rdtime is
      monotonic per core, and the timer scoreboard checks the value itself;
    - `idle`: the next retirement after an idle is accepted only if (IS & LIE) was non-zero meanwhile,
      with the IRQ events up to that cycle applied (architecture.md 4.6: whatever CRMD.IE says, and a line
      that is pending but not enabled in LIE must not end idle). The model raises IdleWakeError and the
      failure is reported as check "idle" (design.md 7.4). The same check bounds the wake-up: once (IS & LIE)
      is non-zero while a core sleeps, its next record (the instruction after idle, or the interrupt) must
      retire within IDLE_WAKE_CYCLES (nothing is in flight in a sleeping core, so the bound is tight);
    - tlbfill: the entry the RTL's fill LFSR chose (design.md 9.4) is the record's tlb_idx (flags2 bit 0
      set): `hart.set_tlbfill_index(tlb_idx)` before the step; the model replays it (a tlbfill record
      without tlb_we makes the model stop with AsyncInputError) after checking it against its own fill
      LFSR, reseeded with the run's seed (a different entry: "tlbfill chose another entry than the fill rule").
    - a record with rd_we = 1 and rd = r0 breaks the trace contract (design.md 2: never for r0).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from pyuvm import ConfigDB, uvm_subscriber

from lacosim import trace
from lacosim.elf import ElfImage
from lacosim.env.config import RunConfig
from lacosim.env.coverage import Coverage
from lacosim.env.failures import Failure, FailureLog
from lacosim.env.retire_monitor import HISTORY, format_retire, rec_symbol
from lacosim.env.trap_monitor import IrqCoverage
from lacosim.isa.decoder import encode
from lacosim.isa.disasm import disassemble
from lacosim.iss import lockstep, mmu
from lacosim.iss.core import Iss, new_machine
from lacosim.iss.csr import ASID_ASID, CSR_ASID, CSR_ECFG, CSR_ESTAT, ECFG_LIE, ESTAT_IS, INTERRUPT_NAMES
from lacosim.iss.errors import IdleWakeError, IssError, TlbFillIndexError
from lacosim.iss.privileged import is_async_read

EXTENDED_FLAGS = trace.FLAG_CSR_WE | trace.FLAG_RD2_WE
MODE_CHECKED = trace.MODE_PLV_MASK | trace.MODE_IE | trace.MODE_GUEST
LVZ_FLAGS2 = trace.FLAG2_GCSR | trace.FLAG2_EXIT
IDLE_MATCH, IDLE_MASK = encode("idle", level=0), 0xFFFF_8000
IDLE_WAKE_CYCLES = 8   # design.md 7.4: (IS & LIE) != 0 in a sleeping core -> its next record retires
MAX_IDLE_REPORTS = 5
CSR_WE = trace.FLAG_CSR_WE
TLBFILL = encode("tlbfill")
PHYS_ACCESS_MASK, PHYS_ACCESSES = 0xFFFC_0000, (0x0640_0000, 0x0644_0000)  # lddir, ldpte

ABI = ["zero", "ra", "tp", "sp", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "t0", "t1", "t2", "t3",
       "t4", "t5", "t6", "t7", "t8", "r21", "fp", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"]


def _lines(bits: int) -> str:
    """'TI, IPI' for ESTAT.IS / ECFG.LIE bits, 'none' for 0."""
    return ", ".join(name for n, name in enumerate(INTERRUPT_NAMES) if bits >> n & 1) or "none"


class IssScoreboard(uvm_subscriber):
    beside: Any = None  # lockstep_beside.BesideClient when the checker runs in a second process (set by env.py)

    def build_phase(self) -> None:
        cfg: RunConfig = ConfigDB().get(self, "", "run_config")
        cov: Coverage = ConfigDB().get(self, "", "coverage")
        self.setup(cfg, ConfigDB().get(self, "", "image"), ConfigDB().get(self, "", "failures"), cov,
                   model=not cfg.lockstep_beside)

    def setup(self, cfg: RunConfig, image: ElfImage, failures: FailureLog, cov: Coverage, model: bool = True) -> None:
        """The checker's state (here, or in the process beside the simulator: lockstep_beside.py)."""
        self.cfg, self.image, self.failures = cfg, image, failures
        self.enabled = cfg.lockstep
        self.harts: list[Iss] = new_machine(image, cfg.cores, lockstep=True) if self.enabled and model else []
        for hart in self.harts:  # the fill LFSR starts where the RTL's does (+tlb_seed, design.md 9.4)
            hart.tlb.reseed(self.cfg.seed)
        self._async_read = functools.lru_cache(maxsize=4096)(is_async_read)
        self.checked = 0
        self.diverged = False
        self.tail: dict[int, np.ndarray] = {}  # last HISTORY records per core of earlier batches
        self.waking: dict[int, int] = {}  # sleeping core -> first cycle (IS & LIE) != 0, until its next record
        self.idle_wake_latencies: list[int] = []  # cycles from that cycle to the record (report plots)
        self.idle_late = 0
        # coverage group "irq" is sampled here: only lockstep knows LIE/IE/idle at each IRQ event
        self.irq_cov = IrqCoverage(cov, self.cfg.cores)

    def end_of_elaboration_phase(self) -> None:
        if self.enabled:
            where = "beside the simulator (a second process)" if self.beside else "in the simulator process"
            self.logger.info(f"lockstep {where}: {self.cfg.cores} reference-model hart(s) sharing one memory; "
                             f"comparing pc, physical pc, insn, rd/value, memory address/physical address/size/"
                             f"data, CSR, trap and TLB-write fields of every retirement; tlbfill indices replayed")
        else:
            self.logger.warning("lockstep checking is OFF (LOCKSTEP=0): retirements are not compared")

    def write(self, batch: np.ndarray) -> None:
        if not self.enabled or self.diverged:
            return
        if self.beside is not None:
            self.beside.submit(batch)
            return
        if not self._check(batch):
            return
        retire = batch["kind"] == trace.KIND_RETIRE
        self.checked += int(np.count_nonzero(retire))
        waking = self.waking
        last = int(batch["cycle"][-1])
        for core, since in list(waking.items()):
            if last > since + IDLE_WAKE_CYCLES:
                self._idle_late(core, since, f"the core is still asleep at cycle {last}", batch, len(batch) - 1)
                del waking[core]
        core_col = batch["core"]
        for core in np.flatnonzero(np.bincount(core_col)).tolist():  # (copied as opaque items: trace.take)
            mine = trace.take(batch, np.flatnonzero(retire & (core_col == core))[-HISTORY:])
            old = self.tail.get(core)
            self.tail[core] = mine if old is None else np.concatenate((old, mine))[-HISTORY:]

    def _check(self, batch: np.ndarray) -> bool:
        """Check the batch in trace order: stretches of plain records on the batch path (lockstep.run_plain,
        compared with numpy), every other record one at a time (`_check_record`). False: it diverged."""
        n = len(batch)
        flags = batch["flags"]
        special = ((batch["kind"] != trace.KIND_RETIRE) | (batch["trap"] != 0) | (batch["flags2"] != 0)
                   | ((flags & EXTENDED_FLAGS) != 0) | ((batch["mode"] & trace.MODE_IOCSR) != 0)
                   | (((flags & trace.FLAG_RD_WE) != 0) & (batch["rd"] == 0)))
        stops = [*np.flatnonzero(special).tolist(), n]
        cores = batch["core"].tolist() if len(self.harts) > 1 else None
        i = s = 0
        while i < n:
            while stops[s] < i:
                s += 1
            stop = stops[s]
            if i < stop:
                done = self._check_plain(batch, i, stop, cores)
                if done < 0:
                    return False
                i += done
                if i == stop:
                    continue
            # a record the trace marks (event, trap, CSR/TLB/LVZ fields) or one the model cannot batch
            if not self._check_record(batch, i):
                return False
            i += 1
        return True

    def _check_plain(self, batch: np.ndarray, start: int, stop: int, cores: list[int] | None) -> int:
        """Run the model over batch[start:stop] while its instructions are plain and compare the stretch it ran
        with array operations: the records done, or -1 after reporting the first that differs."""
        harts = self.harts
        blocked = frozenset(self.waking).union(c for c, h in enumerate(harts) if h.retired >= h._service_at)
        if cores is None and blocked:
            return 0
        modes = [lockstep.hart_mode(h) for h in harts]
        before = [h.regs[:] for h in harts]  # the GPRs at the start: a report rebuilds them at its record
        run = lockstep.run_plain(harts, None if cores is None else cores[start:stop], stop - start, blocked)
        m = run.count
        if m == 0:
            return 0
        seg = batch[start:start + m]
        table = lockstep.TABLE.arrays()
        tid = np.frombuffer(run.tid, dtype=np.int64)
        bad = seg["pc"] != table["pc"][tid]
        bad |= seg["insn"] != table["insn"][tid]
        bad |= seg["pc_pa"] != table["pc_pa"][tid]
        flags = seg["flags"]
        rd_we = (flags & trace.FLAG_RD_WE) != 0
        bad |= np.where(rd_we, seg["rd"], 0) != table["rd"][tid]
        bad |= rd_we & (seg["rd_wdata"] != np.frombuffer(run.rd_value, dtype=np.uint64))
        mode = modes[0] if cores is None else np.array(modes, dtype=np.uint8)[seg["core"]]
        bad |= (seg["mode"] & MODE_CHECKED) != mode
        exp_flags = np.zeros(m, dtype=np.uint8)
        exp_addr, exp_wdata, exp_pa = (np.zeros(m, dtype=np.uint64) for _ in range(3))
        mem = np.frombuffer(run.mem, dtype=np.uint64).reshape(-1, lockstep.MEM_FIELDS)
        if len(mem):
            at = mem[:, 0].astype(np.intp)
            exp_flags[at], exp_addr[at], exp_wdata[at], exp_pa[at] = mem[:, 4], mem[:, 1], mem[:, 2], mem[:, 3]
        access = flags & (trace.FLAG_MEM_RE | trace.FLAG_MEM_WE)
        bad |= access != (exp_flags & (trace.FLAG_MEM_RE | trace.FLAG_MEM_WE))
        bad |= (access != 0) & ((((flags ^ exp_flags) >> trace.FLAG_MEM_SIZE_SHIFT) & 3 != 0)
                                | (seg["mem_addr"] != exp_addr) | (seg["mem_pa"] != exp_pa))
        bad |= ((flags & trace.FLAG_MEM_WE) != 0) & (seg["mem_wdata"] != exp_wdata)
        if not bad.any():
            return m
        k = int(np.argmax(bad))
        self._materialise(run, k, cores[start:start + m] if cores is not None else None, modes, before, mem)
        self._diverge(batch, start + k, "RTL and reference model disagree")
        return -1

    def _materialise(self, run: lockstep.PlainRun, k: int, cores: list[int] | None, modes: list[int],
                     before: list[list[int]], mem: np.ndarray) -> None:
        """Give the hart of plain record k the record fields and GPRs `Iss.step` would have left after it (the
        batch path ran further; plain instructions change nothing else the report shows: CSRs, TLB, mode)."""
        core = 0 if cores is None else cores[k]
        hart = self.harts[core]
        hart._clear_extras()
        rows = lockstep.TABLE._rows
        tids, values = run.tid, run.rd_value
        pc, word, pa, rd, _ = rows[tids[k]]
        hart.last_pc, hart.last_insn, hart.last_pc_pa, hart.last_rd = pc, word, pa, rd
        hart.last_rd_value = values[k] if rd else 0
        hit = np.flatnonzero(mem[:, 0] == k) if len(mem) else []
        _, addr, wdata, mem_pa, flags = (int(v) for v in mem[hit[0]]) if len(hit) else (0, 0, 0, 0, 0)
        reads, writes = (flags >> 1) & 1, (flags >> 2) & 1
        hart.last_mem_re, hart.last_mem_we = reads, writes
        hart.last_mem_addr, hart.last_mem_pa = (addr, mem_pa) if reads or writes else (0, 0)
        hart.last_mem_size = (flags >> trace.FLAG_MEM_SIZE_SHIFT) & 3 if reads or writes else 0
        hart.last_mem_wdata = wdata if writes else 0
        mode = modes[core]
        hart.last_plv, hart.last_ie, hart.last_guest = mode & 3, (mode >> 2) & 1, (mode >> 3) & 1
        regs = before[core]
        for j in range(k + 1):
            if cores is None or cores[j] == core:
                written = rows[tids[j]][3]
                if written:
                    regs[written] = values[j]
        hart.regs[:] = regs

    def _check_record(self, batch: np.ndarray, i: int) -> bool:
        """One record the ordinary way: an event, an interrupt, or one `Iss.step` with every field compared.
        False: it diverged (reported) or lockstep ended."""
        (cycle, pc, rd_value, mem_addr, mem_wdata, _, _, mem_pa, insn, kind, core, rd, flags, trap, _, mode, _, _,
         tlb_idx, flags2, _, pc_pa) = batch[i].item()
        harts = self.harts
        waking = self.waking
        if kind != trace.KIND_RETIRE:
            if kind == trace.KIND_IRQ:
                hart = harts[core]
                self.irq_cov.irq_event(hart, core, rd_value, functools.partial(hart.set_irq_lines, rd_value))
                if hart.idle_halted and core not in waking and hart.pending_interrupts():
                    waking[core] = cycle
            return True
        hart = harts[core]
        if waking and core in waking:
            self._woke(batch, i, waking.pop(core))
        if trap & trace.TRAP_INT:
            try:
                hart.take_interrupt(trace.trap_intno(trap))
            except IssError as e:
                self._diverge(batch, i, "the RTL took an interrupt the model says cannot be taken", str(e))
                return False
            if hart.last_pc != pc:
                self._diverge(batch, i, "interrupt taken at a different instruction boundary")
                return False
            self.irq_cov.taken(trace.trap_intno(trap))
            return True
        if self._async_read(insn):
            hart.set_async_value(rd_value)
        if insn & IDLE_MASK == IDLE_MATCH and hart.pending_interrupts():
            waking[core] = cycle  # sleeps with a line already pending and enabled
        if flags2 & trace.FLAG2_TLB_WE and insn == TLBFILL:
            hart.set_tlbfill_index(tlb_idx)
        try:
            hart.step()
        except IdleWakeError as e:
            self._idle_woke(batch, i, e)
            return False
        except TlbFillIndexError as e:
            self._diverge(batch, i, "tlbfill chose another entry than the fill rule", str(e))
            return False
        except IssError as e:
            if trap & trace.TRAP_VALID and hart.pc == pc:
                # Both trapped with no handler installed: the exception checks report it; the model
                # cannot follow the RTL to address 0, so lockstep ends here in agreement.
                self.checked += int(np.count_nonzero(batch["kind"][:i + 1] == trace.KIND_RETIRE))
                self.diverged = True
                return False
            self._diverge(batch, i, "the reference model stopped on an error", str(e))
            return False
        if flags & trace.FLAG_RD_WE and not rd:
            self._diverge(batch, i, "the trace reports a GPR write to r0",
                          f"the record has rd_we = 1 with rd = r0 (value {rd_value:#x}); design.md 2: rd_we is "
                          f"never set for r0 (writes to r0 are dropped, so the decoder clears rd_we)")
            return False
        rd_obs = rd if flags & trace.FLAG_RD_WE else 0
        mem_we = (flags >> 2) & 1
        mem_re = (flags >> 1) & 1
        if (hart.last_pc != pc or hart.last_insn != insn or hart.last_rd != rd_obs
                or (rd_obs and hart.last_rd_value != rd_value)
                or hart.last_mem_we != mem_we or hart.last_mem_re != mem_re
                or ((mem_we or mem_re) and (hart.last_mem_addr != mem_addr or hart.last_mem_pa != mem_pa
                                            or hart.last_mem_size != (flags >> trace.FLAG_MEM_SIZE_SHIFT) & 3))
                or (mem_we and hart.last_mem_wdata != mem_wdata)
                or (mode & MODE_CHECKED) != (hart.last_plv | hart.last_ie << 2 | hart.last_guest << 3)
                or (hart.last_pc_pa != pc_pa and not hart.last_fetch_fault)
                or ((flags & EXTENDED_FLAGS or trap or flags2 or hart.last_trap or hart.last_csr_we
                     or hart.last_rd2 or hart.last_tlb_we) and self._extended_differs(batch[i], hart))):
            self._diverge(batch, i, "RTL and reference model disagree")
            return False
        if flags & CSR_WE and hart.last_csr_num == CSR_ECFG and hart.last_csr_we:
            self.irq_cov.ecfg_written(hart)
        return True

    @staticmethod
    def _extended_differs(rec: np.void, hart: Iss) -> bool:
        """CSR write, second GPR write, trap, TLB write, IOCSR and LVZ (gcsr, exit) fields (rare: only checked
        when either side has one)."""
        flags, trap = int(rec["flags"]), int(rec["trap"])
        tlb_we = int(rec["flags2"]) & trace.FLAG2_TLB_WE
        csr_we = (flags >> 6) & 1
        rd2 = int(rec["rd2"]) if flags & trace.FLAG_RD2_WE else 0
        return (hart.last_csr_we != csr_we
                or (csr_we and (hart.last_csr_num != int(rec["csr"]) or hart.last_csr_wdata != int(rec["csr_wdata"])))
                or hart.last_rd2 != rd2 or (rd2 and hart.last_rd2_value != int(rec["rd2_wdata"]))
                or hart.last_trap != trap & 1
                or (trap & 1 and (hart.last_trap_ecode != trace.trap_ecode(trap)
                                  or hart.last_trap_esubcode != (trap >> trace.TRAP_ESUBCODE_SHIFT) & 0x1FF))
                or hart.last_ertn != (trap >> 2) & 1
                or hart.last_tlb_we != tlb_we or (tlb_we and hart.last_tlb_idx != int(rec["tlb_idx"]))
                or int(rec["flags2"]) & LVZ_FLAGS2 != (hart.last_gcsr << 1 | hart.last_exit << 2)
                or hart.last_iocsr != int(bool(int(rec["mode"]) & trace.MODE_IOCSR)))

    # ------------------------------------------------------------------------------------------
    def _woke(self, batch: np.ndarray, idx: int, since: int) -> None:
        """A sleeping core's first record after (IS & LIE) became non-zero at cycle `since`."""
        latency = int(batch["cycle"][idx]) - since
        self.idle_wake_latencies.append(latency)
        if latency > IDLE_WAKE_CYCLES:
            self._idle_late(int(batch["core"][idx]), since, f"its next record retired at cycle "
                            f"{int(batch['cycle'][idx])}, {latency} cycles later", batch, idx)

    def _idle_late(self, core: int, since: int, what: str, batch: np.ndarray, idx: int) -> None:
        self.idle_late += 1
        if self.idle_late > MAX_IDLE_REPORTS:
            return
        hart = self.harts[core]
        values = hart.csr.values
        head = batch[:idx + 1]
        context = [h for h in (self.tail.get(core), head[(head["core"] == core)
                                                         & (head["kind"] == trace.KIND_RETIRE)]) if h is not None]
        recent = "\n".join(format_retire(r, self.image) for r in np.concatenate(context)[-HISTORY:])
        self.failures.add(Failure(
            "idle", f"idle did not end within {IDLE_WAKE_CYCLES} cycles of a line becoming pending and enabled",
            f"ESTAT.IS & ECFG.LIE != 0 from cycle {since} on (now IS = {values[CSR_ESTAT] & ESTAT_IS:#06x}, LIE = "
            f"{values[CSR_ECFG] & ECFG_LIE:#06x}: {_lines(hart.pending_interrupts())}) while the core slept in the "
            f"idle at {hart.describe(hart.pc - 4)}; {what}\n"
            f"rule (architecture.md 4.6, design.md 7.4): a sleeping core has nothing in flight; its next record "
            f"(the instruction after idle, or the interrupt) retires within {IDLE_WAKE_CYCLES} cycles",
            cycle=since + IDLE_WAKE_CYCLES + 1, core=core, pc=hart.pc,
            pc_symbol=self.image.symbolize(hart.pc, guest=hart.vm), guest=bool(hart.vm),
            recent=recent,
            repro=self.cfg.repro_with_waves(since)))

    def _idle_woke(self, batch: np.ndarray, idx: int, err: IdleWakeError) -> None:
        """The RTL ended an idle although nothing pending was enabled (architecture.md 4.6)."""
        cycle = int(batch["cycle"][idx])
        masked = err.is_seen & ~err.lie
        why = (f"idle at {self.harts[int(batch['core'][idx])].describe(err.idle_pc)} ended: the core retired the "
               f"instruction after it at cycle {cycle}, but ESTAT.IS & ECFG.LIE stayed 0 since the idle retired\n"
               f"ESTAT.IS = {err.is_bits:#06x} ({_lines(err.is_bits)}), ECFG.LIE = {err.lie:#06x} "
               f"({_lines(err.lie)}); lines pending while asleep but not enabled: {_lines(masked)}\n"
               f"rule (architecture.md 4.6): idle halts until (ESTAT.IS & ECFG.LIE) != 0, whatever CRMD.IE says")
        self._diverge(batch, idx, f"idle woke at cycle {cycle} with nothing pending and enabled: IS={err.is_bits:#06x} "
                      f"LIE={err.lie:#06x} (a pending but disabled line must not end idle)", why, check="idle")

    def _diverge(self, batch: np.ndarray, idx: int, summary: str, why: str = "", check: str = "lockstep") -> None:
        self.checked += int(np.count_nonzero(batch["kind"][:idx] == trace.KIND_RETIRE))
        self.diverged = True
        rec = batch[idx]
        core = int(rec["core"])
        hart = self.harts[core]
        cycle, pc = int(rec["cycle"]), int(rec["pc"])
        detail = self._field_diff(rec, hart) if not why else why
        if not int(rec["trap"]) & trace.TRAP_INT and check == "lockstep":
            detail += "\n" + self._translation(rec, hart)
        detail += "\nreference model registers after the instruction:\n" + self._regs(hart)
        head = batch[:idx + 1]
        context = [h for h in (self.tail.get(core), head[head["core"] == core]) if h is not None]
        recent = "\n".join(format_retire(r, self.image) for r in np.concatenate(context)[-HISTORY:])
        self.failures.add(Failure(
            check, summary, detail, cycle=cycle, core=core, pc=pc, pc_symbol=rec_symbol(self.image, rec),
            guest=bool(int(rec["mode"]) & trace.MODE_GUEST), recent=recent, repro=self.cfg.repro_with_waves(cycle)))
        self.stop_run(cycle)

    def stop_run(self, cycle: int) -> None:
        """The first divergence ends the run at its cycle."""
        ConfigDB().get(self, "", "trace_monitor").stop("lockstep-mismatch", cycle)

    def _field_diff(self, rec: np.void, hart: Iss) -> str:
        flags = int(rec["flags"])
        obs = {
            "pc": int(rec["pc"]), "insn": int(rec["insn"]),
            "rd": int(rec["rd"]) if flags & trace.FLAG_RD_WE else 0,
            "rd value": int(rec["rd_wdata"]) if flags & trace.FLAG_RD_WE else 0,
            "mem read": (flags >> 1) & 1, "mem write": (flags >> 2) & 1,
            "mem addr": int(rec["mem_addr"]) if flags & 6 else 0,
            "mem size": 1 << ((flags >> trace.FLAG_MEM_SIZE_SHIFT) & 3) if flags & 6 else 0,
            "mem wdata": int(rec["mem_wdata"]) if flags & 4 else 0,
            "csr write": int(rec["csr"]) if flags & trace.FLAG_CSR_WE else 0,
            "csr value": int(rec["csr_wdata"]) if flags & trace.FLAG_CSR_WE else 0,
            "rd2": int(rec["rd2"]) if flags & trace.FLAG_RD2_WE else 0,
            "rd2 value": int(rec["rd2_wdata"]) if flags & trace.FLAG_RD2_WE else 0,
            "trap": int(rec["trap"]) & 1, "ecode": trace.trap_ecode(int(rec["trap"])),
            "esubcode": (int(rec["trap"]) >> trace.TRAP_ESUBCODE_SHIFT) & 0x1FF,
            "ertn": (int(rec["trap"]) >> 2) & 1, "plv": int(rec["mode"]) & 3, "ie": (int(rec["mode"]) >> 2) & 1,
            "iocsr": int(bool(int(rec["mode"]) & trace.MODE_IOCSR)),
            "mem pa": int(rec["mem_pa"]) if flags & 6 else 0, "pc pa": int(rec["pc_pa"]),
            "tlb we": int(rec["flags2"]) & trace.FLAG2_TLB_WE,
            "tlb idx": int(rec["tlb_idx"]) if int(rec["flags2"]) & trace.FLAG2_TLB_WE else 0,
            "guest": int(bool(int(rec["mode"]) & trace.MODE_GUEST)),
            "gcsr": int(bool(int(rec["flags2"]) & trace.FLAG2_GCSR)),
            "exit": int(bool(int(rec["flags2"]) & trace.FLAG2_EXIT)),
        }
        exp = {
            "pc": hart.last_pc, "insn": hart.last_insn, "rd": hart.last_rd, "rd value": hart.last_rd_value,
            "mem read": hart.last_mem_re, "mem write": hart.last_mem_we,
            "mem addr": hart.last_mem_addr if hart.last_mem_re or hart.last_mem_we else 0,
            "mem size": 1 << hart.last_mem_size if hart.last_mem_re or hart.last_mem_we else 0,
            "mem wdata": hart.last_mem_wdata if hart.last_mem_we else 0,
            "csr write": hart.last_csr_num if hart.last_csr_we else 0,
            "csr value": hart.last_csr_wdata if hart.last_csr_we else 0,
            "rd2": hart.last_rd2, "rd2 value": hart.last_rd2_value,
            "trap": hart.last_trap, "ecode": hart.last_trap_ecode if hart.last_trap else 0,
            "esubcode": hart.last_trap_esubcode if hart.last_trap else 0,
            "ertn": hart.last_ertn, "plv": hart.last_plv, "ie": hart.last_ie, "iocsr": hart.last_iocsr,
            "mem pa": hart.last_mem_pa if hart.last_mem_re or hart.last_mem_we else 0, "pc pa": hart.last_pc_pa,
            "tlb we": hart.last_tlb_we, "tlb idx": hart.last_tlb_idx if hart.last_tlb_we else 0,
            "guest": hart.last_guest, "gcsr": hart.last_gcsr, "exit": hart.last_exit,
        }
        unchecked = {"pc pa"} if hart.last_fetch_fault else set()  # a fetch fault's word was never fetched
        lines = [f"instruction: {disassemble(exp['insn'], exp['pc'], self.image.symbolizer(bool(exp['guest'])))}",
                 f"{'field':<10} {'expected (model)':>20} {'observed (RTL)':>20}"]
        for key in exp:
            mark = "   <-- differs" if exp[key] != obs[key] and key not in unchecked else ""
            lines.append(f"{key:<10} {exp[key]:>#20x} {obs[key]:>#20x}{mark}")
        return "\n".join(lines)

    @staticmethod
    def _translation(rec: np.void, hart: Iss) -> str:
        """The fetch (and data) translation of the record: VA, expected (model) and observed (RTL) PA, and
        the model's TLB entry matching the VA under the current ASID."""
        flags = int(rec["flags"])
        asid = hart.csr.values[CSR_ASID] & ASID_ASID
        lines = [f"translation (the model's TLB and ASID {asid:#x} after the instruction):"]
        rows = [("fetch", hart.last_pc, hart.last_pc_pa, int(rec["pc_pa"]))]
        if flags & 6 or hart.last_mem_re or hart.last_mem_we:
            model_access = hart.last_mem_re or hart.last_mem_we
            va = hart.last_mem_addr if model_access else int(rec["mem_addr"])
            rows.append(("data", va, hart.last_mem_pa, int(rec["mem_pa"]) if flags & 6 else 0))
        # after a trap the mode is the handler's: name only the TLB entry then
        mode = not (int(rec["trap"]) & trace.TRAP_VALID or hart.last_trap)
        for what, va, expected, observed in rows:
            compared = what == "data" or not hart.last_fetch_fault
            mark = "   <-- differs" if expected != observed and compared else ""
            lines.append(f"  {what:<5} VA {va:#x}: expected PA {expected:#x}, observed PA {observed:#x}{mark}")
            if what == "data" and int(rec["insn"]) & PHYS_ACCESS_MASK in PHYS_ACCESSES:
                lines.append("        (lddir/ldpte: the address is physical)")
            else:
                guest = hart.root_csr.values if hart.vm else None  # (the state after the instruction)
                lines.append("        model: " + mmu.describe(hart.csr.values, hart.tlb, va, what == "fetch", mode,
                                                              guest))
        return "\n".join(lines)

    @staticmethod
    def _regs(hart: Iss) -> str:
        regs = hart.regs
        return "\n".join("  ".join(f"{ABI[r]:>4}={regs[r]:016x}" for r in range(row, row + 4))
                         for row in range(0, 32, 4))

    def check_phase(self) -> None:
        if self.beside is not None:
            self.beside.sync(True)  # (normally done when the run ended: TraceMonitor.sync_hooks)
        if not self.enabled or self.diverged:
            return
        trace_mon = ConfigDB().get(self, "", "trace_monitor")
        if trace_mon.end_reason != "poweroff":
            return  # a run stopped early has no complete output to compare
        rtl_uart = bytes(ConfigDB().get(self, "", "uart_monitor").text)
        model_uart, powered_off = self.model_end()
        if rtl_uart != model_uart:
            n = next((i for i, (a, b) in enumerate(zip(rtl_uart, model_uart, strict=False)) if a != b),
                     min(len(rtl_uart), len(model_uart)))
            self.failures.add(Failure("lockstep", "UART output differs between RTL and reference model",
                                      f"first difference at byte {n}: RTL {rtl_uart[n:n + 40]!r} vs model "
                                      f"{model_uart[n:n + 40]!r}", repro=self.cfg.repro_with_waves(None)))
        if trace_mon.end_reason == "poweroff" and not powered_off:
            self.failures.add(Failure("lockstep", "the RTL powered off but the reference model did not",
                                      repro=self.cfg.repro_with_waves(trace_mon.end_cycle)))

    def model_end(self) -> tuple[bytes, bool]:
        """The UART bytes the model wrote and whether it powered off (beside: as the checker reported them)."""
        if self.beside is not None:
            return self.beside.uart_output, self.beside.powered_off
        return b"".join(h.uart_output for h in self.harts[:1]), any(h.powered_off for h in self.harts)

    def report_phase(self) -> None:
        if self.enabled:
            print(f"lacosim: lockstep checked {self.checked} retired instructions"
                  + (" (stopped at the first divergence)" if self.diverged else ""), flush=True)
