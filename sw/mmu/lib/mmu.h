/* The paging test programs' small kernel (sw/mmu): address-space layout, page-table geometry, the page
 * tables themselves, the TLB-refill handlers and the exception entry (design.md section 9).
 *
 * Address space after mmu_init() (CRMD.DA = 0, PG = 1, DATF = DATM = 01):
 *   DMW0 = 0x0000_0000_0000_0011  VSEG 0, PLV0 only, MAT CC: the kernel keeps running at its link address
 *                                 (VA = PA; code, data, stacks, UART and GED registers) and only at PLV0.
 *   DMW1 = 0x9000_0000_0000_0011  VSEG 9, PLV0 only (Linux's cached window): KVA(pa) = 0x9000_0000_0000_0000
 *                                 | pa. Page-table pointers (PGDL/PGDH and directory entries) are KVAs,
 *                                 as Linux writes them; lddir masks them to the PA.
 *   Everything else goes to the TLB: at PLV0 the canonical upper half (VA >= 0xffff_8000_0000_0000,
 *   KSEG_TLB), at PLV3 both canonical halves (user programs at low VAs, through PGDL).
 *
 * Page tables (Linux style, 16 KiB pages, four directory levels so that lddir 4, 3, 2, 1 all walk):
 *   PTE   VA[20:14]  PTbase 14, PTwidth 7  (128 entries, 1 KiB)
 *   Dir1  VA[28:21]  base 21, width 8      (256 entries; an entry with bit 6 (HUGE) maps 2 MiB: TLB PS 20)
 *   Dir2  VA[36:29]  base 29, width 8
 *   Dir3  VA[41:37]  base 37, width 5
 *   Dir4  VA[46:42]  base 42, width 5      (the root: PGDL for VA[63] = 0, PGDH for VA[63] = 1)
 * An empty slot points to the next level's "invalid table" (whose slots point further down, ending in a
 * page table of zero PTEs), so a refill of any canonical VA walks to a PTE (Linux's invalid_pmd_table...).
 * Every table sits in its own 4 KiB slot of a pool (section .pgtables, not loaded, not cleared).
 *
 * Physical memory the tests use besides the image: [TEST_PA_BASE, TEST_PA_END) = [8 MiB, 16 MiB) (inside
 * the SoC's 32 MiB RAM, outside the image, never loaded: every word is written before it is read).
 *
 * TLB refill handlers (tlbr.S, physical, 4 KiB aligned; TLBRENTRY selects one):
 *   tlbr_walk   Linux's handle_tlb_refill: lddir 4, 3, 2, 1; ldpte 0, 1; tlbfill; counts in SAVE7.
 *   tlbr_probe  no walk and no fill: counts in SAVE7, remembers TLBRBADV in SAVE6 and resumes *after* the
 *               missing instruction (TLBRERA += 4), so a load that misses leaves its rd unchanged. Programs
 *               that keep entries at fixed TLB indices use it: a tlbfill would overwrite a random slot.
 * Exception entry (kentry.S): like common/trap.S (struct trap_frame, trap_dispatch), but an exception from
 * PLV3 switches to the kernel exception stack (SAVE3), and the frame's sp (regs[3]) is restored at return.
 *
 * Output never depends on the slot tlbfill picks (QEMU picks randomly, our core by an LFSR): a program
 * prints a refill count only where every TLB-missing access is a first touch after a full flush.
 */
#ifndef LACOSIM_MMU_H
#define LACOSIM_MMU_H

#include <stdint.h>

#include "la.h"
#include "poweroff.h"
#include "print.h"
#include "tlb.h"
#include "trap.h"

#define A(p) ((uint64_t)(uintptr_t)(p))

/* ---- page-table geometry (PWCL / PWCH) ---- */
#define PAGE_SHIFT   14
#define PAGE_SIZE    (1UL << PAGE_SHIFT)
#define PT_BASE      14
#define PT_WIDTH     7
#define DIR1_BASE    21
#define DIR1_WIDTH   8
#define DIR2_BASE    29
#define DIR2_WIDTH   8
#define DIR3_BASE    37
#define DIR3_WIDTH   5
#define DIR4_BASE    42
#define DIR4_WIDTH   5
#define HUGE_SHIFT   DIR1_BASE                  /* a huge Dir1 entry maps 2 MiB ... */
#define HUGE_TLB_PS  (PT_BASE + PT_WIDTH - 1)   /* ... as one TLB entry of two 1 MiB halves */

#define MMU_PWCL PWCL_VALUE(PT_BASE, PT_WIDTH, DIR1_BASE, DIR1_WIDTH, DIR2_BASE, DIR2_WIDTH)
#define MMU_PWCH PWCH_VALUE(DIR3_BASE, DIR3_WIDTH, DIR4_BASE, DIR4_WIDTH)

/* ---- page-table entry bits (Linux names; hardware bits are the TLBELO ones) ---- */
#define PTE_V        TLBELO_V
#define PTE_D        TLBELO_D
#define PTE_PLV(n)   ((uint64_t)(n) << TLBELO_PLV_SHIFT)
#define PTE_MAT_CC   (1UL << TLBELO_MAT_SHIFT)
#define PTE_G        TLBELO_G
#define PTE_HUGE     (1UL << 6)                 /* in a directory entry: it maps a huge page */
#define PTE_PRESENT  (1UL << 7)                 /* software bits: the walker must drop them */
#define PTE_WRITE    (1UL << 8)
#define PTE_NR       TLBELO_NR
#define PTE_NX       TLBELO_NX
#define PTE_RPLV     TLBELO_RPLV

/* kernel data page / user pages (as Linux builds PAGE_KERNEL, PAGE_USER-ish protections) */
#define PROT_KDATA   (PTE_V | PTE_D | PTE_PLV(0) | PTE_MAT_CC | PTE_PRESENT | PTE_WRITE)
#define PROT_UCODE   (PTE_V | PTE_PLV(3) | PTE_MAT_CC | PTE_PRESENT)
#define PROT_UDATA   (PTE_V | PTE_D | PTE_PLV(3) | PTE_MAT_CC | PTE_PRESENT | PTE_WRITE | PTE_NX)

/* ---- address space ---- */
#define DMW0_VALUE   ((0UL << DMW_VSEG_SHIFT) | (1UL << DMW_MAT_SHIFT) | DMW_PLV0)
#define DMW1_VALUE   ((9UL << DMW_VSEG_SHIFT) | (1UL << DMW_MAT_SHIFT) | DMW_PLV0)
#define KVA_BASE     0x9000000000000000UL
#define KVA(pa)      (KVA_BASE | (uint64_t)(pa))
#define PA_MASK      0x0000ffffffffffffUL
#define KSEG_TLB     0xffff800000000000UL       /* first TLB-mapped kernel VA */

#define TEST_PA_BASE 0x00800000UL
#define TEST_PA_END  0x01000000UL

/* TLB indices for tlbwr: QEMU's MTLB starts at 2048 (its STLB, indices 0-2047, is set-associative and
 * takes its page size from STLBPS), our core uses the index mod 32, so 2048 + i is entry i on both. */
#define TLB_FIXED(i) (2048u + (i))

#define ASID_KERNEL  0

/* ---- kernel state (kernel.c) ---- */
extern unsigned failures;

void mmu_init(void);                      /* exceptions, DMWs, walker, TLBRENTRY = tlbr_walk, paging on */
void check(int ok, const char *what);     /* counts and prints a failure */
int finish(const char *prog);             /* prints "<prog>: PASS" or "<prog>: FAIL <n> checks" */

/* page tables */
uint64_t pt_root(int high);               /* KVA of the PGDL (0) / PGDH (1) root table */
uint64_t *pte_slot(uint64_t va);          /* the PTE of va (KVA pointer), allocating tables */
void map_page(uint64_t va, uint64_t pa, uint64_t prot);
void map_huge(uint64_t va, uint64_t pa, uint64_t prot);   /* Dir1 entry: 2 MiB at va, pa, HUGE set */
void map_huge_at(unsigned level, uint64_t va, uint64_t pa, uint64_t prot);  /* Dir<level> entry, HUGE */
int pt_lookup(uint64_t va, uint64_t *pa);  /* software walk: 1 and the PA if a valid PTE maps va */
unsigned pt_tables_used(void);

/* physical pages of the test area (16 KiB each), handed out in order */
uint64_t pa_alloc(void);

/* refill accounting (SAVE7 / SAVE6, written by the handlers in tlbr.S) */
extern char tlbr_walk[], tlbr_probe[];
LA_INLINE void tlbr_use(char *handler) { csrwr(CSR_TLBRENTRY, A(handler)); }
LA_INLINE uint64_t refills(void) { return csrrd(CSR_SAVE7); }
LA_INLINE void refills_reset(void) { csrwr(CSR_SAVE7, 0); }
LA_INLINE uint64_t last_refill_va(void) { return csrrd(CSR_SAVE6); }

LA_INLINE void set_asid(unsigned asid) { csrxchg(CSR_ASID, asid, ASID_ASID_MASK); }
LA_INLINE unsigned get_asid(void) { return (unsigned)(csrrd(CSR_ASID) & ASID_ASID_MASK); }

/* invtlb 0 (every entry) */
LA_INLINE void tlb_flush_all(void) { invtlb(0, 0, 0); }

/* One 16 KiB page through tlbwr at `index`: the half of the pair that holds va gets lo, the other half is
 * invalid (0, or G alone when lo is global: G must be equal in both halves). */
LA_INLINE void tlb_map_16k(unsigned index, uint64_t va, uint64_t lo)
{
    uint64_t other = lo & TLBELO_G;
    if (va & PAGE_SIZE)
        tlb_write_entry(index, va, PAGE_SHIFT, other, lo, 0);
    else
        tlb_write_entry(index, va, PAGE_SHIFT, lo, other, 0);
}

/* volatile accesses (the compiler must not merge or drop them) */
LA_INLINE uint64_t ld64(uint64_t va) { return *(volatile uint64_t *)(uintptr_t)va; }
LA_INLINE void st64(uint64_t va, uint64_t v) { *(volatile uint64_t *)(uintptr_t)va = v; }

/* kentry.S */
extern char kentry[];
extern uint64_t kernel_saved_sp;
/* Run fn at PLV3 (PRMD.PPLV = 3, PIE = 0) with sp = user_sp and a0 = arg, until an exception handler
 * sends it back with user_exit(tf, value): returns value. */
uint64_t enter_user(uint64_t pc, uint64_t user_sp, uint64_t arg);
void user_exit(struct trap_frame *tf, uint64_t value);

#endif
