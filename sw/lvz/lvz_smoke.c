/* lvz_smoke (design.md 12): a root that runs a guest in direct-address mode with GID 1 and checks what it
 * did. Stage 2 (root TLB entries tagged GID 1 through GTLBC.USETGID/TGID): the guest's code page and data
 * page (one 16 KiB page pair at GUEST_CODE_GPA) and the UART page passed through; GUEST_MISS_GPA is left
 * unmapped so the guest's load from it takes a stage-2 refill. The guest's exits (lvz_smoke.S) are
 * emulated by the root; at HVC_DONE lvz_done() checks every effect, prints PASS or FAIL, and powers off.
 * The root runs in PG mode through DMW0 while it hosts the guest (a refill's ertn sets CRMD.PG).
 * The model runs it (`make iss ELF=build/sw/lvz_smoke.elf`); QEMU cannot (no LVZ in TCG).
 */
#include <stdint.h>

#include "la.h"
#include "lvz_smoke.h"
#include "poweroff.h"
#include "print.h"

#define REFILL_MAGIC 0x5eed1234cafe0001UL

extern char lvz_guest_entry[], lvz_guest_handler[], lvz_exit[], lvz_refill[];
static uint64_t guest_data[2048] __attribute__((aligned(16384)));  /* the guest's data page (16 KiB) */
uint64_t lvz_refill_page[2048] __attribute__((aligned(16384)));    /* what the refill maps the miss to */

static inline uint64_t gcsrrd_save0(void)
{
    uint64_t v;
    __asm__ volatile("gcsrrd %0, 0x30" : "=r"(v));
    return v;
}

static inline void gcsrwr_eentry(uint64_t v)
{
    __asm__ volatile("gcsrwr %0, 0xc" : "+r"(v) : : "memory");
}

static void tlbwr_entry(unsigned index, uint64_t vppn, uint64_t lo0, uint64_t lo1)
{
    csrwr(CSR_TLBIDX, ((uint64_t)GUEST_PAGE_PS << TLBIDX_PS_SHIFT) | index);
    csrwr(CSR_TLBEHI, vppn);
    csrwr(CSR_TLBELO0, lo0);
    csrwr(CSR_TLBELO1, lo1);
    __asm__ volatile("tlbwr" ::: "memory");
}

void lvz_unexpected_exit(uint64_t estat, uint64_t era)
{
    printf("lvz_smoke: FAIL unexpected exit ecode 0x%lx at guest pc 0x%lx\n", (unsigned long)ESTAT_ECODE(estat),
           (unsigned long)era);
    poweroff();
}

void lvz_done(uint64_t a0, uint64_t a1, uint64_t t0)
{
    uint64_t gspr = csrrd(CSR_SAVE10), hvc = csrrd(CSR_SAVE11), refills = csrrd(CSR_SAVE12);
    uint64_t syscalls = gcsrrd_save0();
    int ok = a0 == 42 + 1000 && a1 == REFILL_MAGIC && t0 == 0x123 && gspr == 1 && hvc == 2 && refills == 1 &&
             syscalls == 1 && !(csrrd(CSR_GSTAT) & 1) && (csrrd(CSR_GSTAT) & GSTAT_PVM);
    printf("lvz_smoke: a0=%lu a1=0x%lx t0=0x%lx exits gspr=%lu hvc=%lu refills=%lu guest syscalls=%lu\n",
           (unsigned long)a0, (unsigned long)a1, (unsigned long)t0, (unsigned long)gspr, (unsigned long)hvc,
           (unsigned long)refills, (unsigned long)syscalls);
    puts(ok ? "lvz_smoke: PASS" : "lvz_smoke: FAIL");
    poweroff();
}

int main(void)
{
    const uint64_t lo = TLBELO_V | TLBELO_D | (1UL << TLBELO_MAT_SHIFT) | TLBELO_G;
    const uint64_t offset = (uint64_t)(lvz_guest_handler - lvz_guest_entry);

    puts("lvz_smoke: root sets up guest 1");
    lvz_refill_page[0] = REFILL_MAGIC;
    guest_data[0] = 0;
    csrwr(CSR_EENTRY, (uint64_t)lvz_exit);
    csrwr(CSR_TLBRENTRY, (uint64_t)lvz_refill);
    csrwr(CSR_SAVE10, 0);  /* the exit counters */
    csrwr(CSR_SAVE11, 0);
    csrwr(CSR_SAVE12, 0);

    /* stage 2: root TLB entries of GID 1 (GTLBC.USETGID, TGID = 1) */
    csrwr(CSR_GTLBC, GTLBC_USETGID | ((uint64_t)GUEST_GID << GTLBC_TGID_SHIFT) | 16);
    tlbwr_entry(0, GUEST_CODE_GPA, (uint64_t)lvz_guest_entry | lo, (uint64_t)guest_data | lo);
    tlbwr_entry(1, 0x1fe00000, 0x1fe00000UL | TLBELO_V | TLBELO_D | TLBELO_G, TLBELO_G);  /* UART, SUC */
    csrwr(CSR_TLBIDX, ((uint64_t)GUEST_PAGE_PS << TLBIDX_PS_SHIFT) | 2);  /* the refill handler's entry */

    /* The root itself runs in PG mode through a direct-map window (architecture.md 4.8): the ertn that
     * ends a stage-2 refill sets CRMD.PG, as every refill's ertn does. DMW0 maps VSEG 0 one to one. */
    csrwr(CSR_DMW0, DMW_PLV0 | (1UL << DMW_MAT_SHIFT));
    csrxchg(CSR_CRMD, CRMD_PG | (1UL << CRMD_DATF_SHIFT) | (1UL << CRMD_DATM_SHIFT),
            CRMD_DA | CRMD_PG | (3UL << CRMD_DATF_SHIFT) | (3UL << CRMD_DATM_SHIFT));

    /* the guest: DA mode (its reset CRMD), its exception entry in its code page */
    gcsrwr_eentry(GUEST_CODE_GPA + offset);
    csrxchg(CSR_GSTAT, GSTAT_PVM | ((uint64_t)GUEST_GID << GSTAT_GID_SHIFT), GSTAT_PVM | (0xffUL << 16));
    csrwr(CSR_ERA, GUEST_CODE_GPA);
    csrwr(CSR_PRMD, 0);  /* root PLV0, interrupts off while the guest runs */
    __asm__ volatile("ertn" ::: "memory");
    return 1;  /* not reached: lvz_done powers off */
}
