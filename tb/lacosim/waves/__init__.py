"""Waveform tools: what makes an FST readable by a person.

- `gtkw`: a GTKWave save file per waves run, the retirement signals of each core grouped, instruction
  words shown as disassembly and pcs as symbols through `filter` (GTKWave translate filter processes);
- `filter`: the translate filter process itself (one persistent process per signal kind, a line in, a
  line out);
- `surfer`: an LA64 instruction decoder for the Surfer viewer, generated from the one decoder table.
"""
