"""lacosim: cycle-level HW/SW co-simulation testbench for LoongArch64 virtualization (LVZ)."""
