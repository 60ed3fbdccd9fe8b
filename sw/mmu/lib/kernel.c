/* The paging programs' kernel: set-up, page tables, test-area pages, checks (see mmu.h). */
#include "mmu.h"

unsigned failures;

/* Page-table pool: 4 KiB slots, not loaded and not cleared (every slot is filled when it is handed out) */
#define PT_SLOTS 40
static uint64_t pt_pool[PT_SLOTS][512] __attribute__((section(".pgtables"), aligned(4096)));
static unsigned pt_next;

/* Roots and the chain of invalid tables: inval[l] is the invalid table of level l (0 = page table of
 * zero PTEs, 1..3 = Dir1..Dir3 tables whose slots all point to inval[l - 1]). */
static uint64_t *root_l, *root_h;
static uint64_t *inval[4];

/* exception stack for traps from PLV3 (SAVE3 holds its top) */
static uint64_t kstack[1024] __attribute__((aligned(16)));

static uint64_t pa_next = TEST_PA_BASE;

static const unsigned level_base[5] = { PT_BASE, DIR1_BASE, DIR2_BASE, DIR3_BASE, DIR4_BASE };
static const unsigned level_width[5] = { PT_WIDTH, DIR1_WIDTH, DIR2_WIDTH, DIR3_WIDTH, DIR4_WIDTH };

static unsigned index_at(uint64_t va, unsigned level)
{
    return (unsigned)((va >> level_base[level]) & ((1UL << level_width[level]) - 1));
}

/* a table for `level` (0 = PT ... 4 = root), every slot = fill; returned as a KVA pointer */
static uint64_t *table_new(unsigned level, uint64_t fill)
{
    if (pt_next >= PT_SLOTS) {
        puts("mmu: page-table pool exhausted");
        poweroff();
    }
    uint64_t *t = (uint64_t *)(uintptr_t)KVA(A(pt_pool[pt_next++]));
    for (unsigned i = 0; i < (1u << level_width[level]); i++)
        t[i] = fill;
    return t;
}

static uint64_t *entry_table(uint64_t entry) { return (uint64_t *)(uintptr_t)KVA(entry & PA_MASK); }

/* slot of `va` in its level-`stop` table, allocating the directories above it */
static uint64_t *dir_slot(uint64_t va, unsigned stop)
{
    uint64_t *t = (va >> 63) ? root_h : root_l;
    for (unsigned level = 4; level > stop; level--) {
        uint64_t *slot = &t[index_at(va, level)];
        uint64_t *next = entry_table(*slot);
        if (next == inval[level - 1]) {
            next = table_new(level - 1, level - 1 ? A(inval[level - 2]) : 0);
            *slot = A(next);
        }
        t = next;
    }
    return &t[index_at(va, stop)];
}

uint64_t *pte_slot(uint64_t va) { return dir_slot(va, 0); }

void map_page(uint64_t va, uint64_t pa, uint64_t prot) { *pte_slot(va) = (pa & ~(PAGE_SIZE - 1)) | prot; }

void map_huge(uint64_t va, uint64_t pa, uint64_t prot) { map_huge_at(1, va, pa, prot); }

void map_huge_at(unsigned level, uint64_t va, uint64_t pa, uint64_t prot)
{
    *dir_slot(va, level) = (pa & ~((1UL << level_base[level]) - 1)) | prot | PTE_HUGE;
}

int pt_lookup(uint64_t va, uint64_t *pa)
{
    uint64_t *t = (va >> 63) ? root_h : root_l;
    for (unsigned level = 4; level > 0; level--) {
        uint64_t e = t[index_at(va, level)];
        if (level == 1 && (e & PTE_HUGE)) {
            *pa = (e & PA_MASK & ~((1UL << HUGE_SHIFT) - 1)) | (va & ((1UL << HUGE_SHIFT) - 1));
            return (int)(e & PTE_V);
        }
        t = entry_table(e);
    }
    uint64_t pte = t[index_at(va, 0)];
    *pa = (pte & TLBELO_PPN_MASK & ~(PAGE_SIZE - 1)) | (va & (PAGE_SIZE - 1));
    return (int)(pte & PTE_V);
}

uint64_t pt_root(int high) { return A(high ? root_h : root_l); }
unsigned pt_tables_used(void) { return pt_next; }

uint64_t pa_alloc(void)
{
    if (pa_next >= TEST_PA_END) {
        puts("mmu: test-area pages exhausted");
        poweroff();
    }
    uint64_t pa = pa_next;
    pa_next += PAGE_SIZE;
    return pa;
}

void check(int ok, const char *what)
{
    if (!ok) {
        failures++;
        printf("  check failed: %s\n", what);
    }
}

int finish(const char *prog)
{
    if (failures)
        printf("%s: FAIL %u failed checks\n", prog, failures);
    else
        printf("%s: PASS\n", prog);
    return 0;
}

void mmu_init(void)
{
    /* exceptions: one entry (ECFG.VS = 0), no interrupts */
    csrwr(CSR_EENTRY, A(kentry));
    csrxchg(CSR_ECFG, 0, ECFG_VS_MASK | ECFG_LIE_MASK);
    csrwr(CSR_SAVE3, A(&kstack[1024]));

    csrwr(CSR_DMW0, DMW0_VALUE);
    csrwr(CSR_DMW1, DMW1_VALUE);

    /* page tables (written through KVAs, as after paging is on): the invalid chain, then empty roots */
    inval[0] = table_new(0, 0);
    for (unsigned l = 1; l < 4; l++)
        inval[l] = table_new(l, A(inval[l - 1]));
    root_l = table_new(4, A(inval[3]));
    root_h = table_new(4, A(inval[3]));

    csrwr(CSR_PWCL, MMU_PWCL);
    csrwr(CSR_PWCH, MMU_PWCH);
    csrwr(CSR_STLBPS, PAGE_SHIFT);           /* as Linux; no effect on our core (design.md 9.1) */
    csrwr(CSR_PGDL, A(root_l));
    csrwr(CSR_PGDH, A(root_h));
    csrwr(CSR_TLBRENTRY, A(tlbr_walk));
    set_asid(ASID_KERNEL);
    refills_reset();
    tlb_flush_all();

    /* paging on: DA = 0, PG = 1, DATF = DATM = 01 (CC) */
    csrxchg(CSR_CRMD, CRMD_PG | (1UL << CRMD_DATF_SHIFT) | (1UL << CRMD_DATM_SHIFT),
            CRMD_DA | CRMD_PG | (3UL << CRMD_DATF_SHIFT) | (3UL << CRMD_DATM_SHIFT));
}

extern char user_return[];

void user_exit(struct trap_frame *tf, uint64_t value)
{
    tf->era = A(user_return);
    tf->prmd &= ~PRMD_PPLV_MASK;
    tf->regs[3] = kernel_saved_sp;
    tf->regs[4] = value;
}
