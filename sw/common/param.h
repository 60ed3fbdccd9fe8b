/* Test parameters: volatile globals the testbench overwrites in the loaded image through their ELF symbol
 * (before reset). Forced into .data, never .bss: crt0 clears .bss at boot, which would wipe a zero default
 * the testbench had replaced. All parameters are 64-bit (uint64_t), 8-byte aligned, little-endian. */
#ifndef LACOSIM_PARAM_H
#define LACOSIM_PARAM_H

#include <stdint.h>

#define PARAM(name, dflt) \
    volatile uint64_t name __attribute__((section(".data"), used, aligned(8))) = (dflt)

#endif
