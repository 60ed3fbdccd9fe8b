/* TLB maintenance and software page-walk instructions as inline functions (LoongArch manual Vol. 1,
 * "TLB maintenance instructions"; design.md section 9.4). All are privileged (PLV0). Field macros of the
 * TLB CSRs are in la.h.
 *
 * tlbsrch/tlbrd/tlbwr/tlbfill take their operands from CSRs (TLBEHI, TLBELO0/1, TLBIDX, ASID; the TLBR*
 * copies inside a TLB refill), so the helpers only order them against the surrounding CSR writes and
 * memory accesses ("memory" clobbers). invtlb's op is an immediate: invtlb() is a macro. */
#ifndef LACOSIM_TLB_H
#define LACOSIM_TLB_H

#include <stdint.h>

#include "la.h"

LA_INLINE void tlbsrch(void) { __asm__ volatile("tlbsrch" ::: "memory"); }
LA_INLINE void tlbrd(void) { __asm__ volatile("tlbrd" ::: "memory"); }
LA_INLINE void tlbwr(void) { __asm__ volatile("tlbwr" ::: "memory"); }
LA_INLINE void tlbfill(void) { __asm__ volatile("tlbfill" ::: "memory"); }
LA_INLINE void tlbclr(void) { __asm__ volatile("tlbclr" ::: "memory"); }
LA_INLINE void tlbflush(void) { __asm__ volatile("tlbflush" ::: "memory"); }

/* invtlb op, rj (ASID in [9:0]), rk (VA); op 0..6 (7..31 raise INE) */
#define invtlb(op, asid, va) \
    __asm__ volatile("invtlb %0, %1, %2" : : "i"(op), "r"((uint64_t)(asid)), "r"((uint64_t)(va)) : "memory")

/* Write one TLB entry at `index` with tlbwr: VA pair base `va`, page size 2^ps, halves lo0/lo1 (TLBELO
 * format), tagged with the current ASID.ASID. ne = 1 writes the entry as empty (E = 0). */
LA_INLINE void tlb_write_entry(unsigned index, uint64_t va, unsigned ps, uint64_t lo0, uint64_t lo1, int ne)
{
    csrwr(CSR_TLBEHI, va & TLBEHI_VPPN_MASK);
    csrwr(CSR_TLBELO0, lo0);
    csrwr(CSR_TLBELO1, lo1);
    csrwr(CSR_TLBIDX, (index & TLBIDX_INDEX_MASK) | ((uint64_t)ps << TLBIDX_PS_SHIFT) | (ne ? TLBIDX_NE : 0));
    tlbwr();
}

/* tlbsrch for `va` under the current ASID: 1 = hit (TLBIDX.NE = 0), 0 = miss */
LA_INLINE int tlb_probe(uint64_t va)
{
    csrwr(CSR_TLBEHI, va & TLBEHI_VPPN_MASK);
    tlbsrch();
    return !(csrrd(CSR_TLBIDX) & TLBIDX_NE);
}

#endif
