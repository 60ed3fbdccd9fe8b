/* T8 iocsr_guest_ipi_virt (docs/design.md 13.11): the guest's IPI block is the hypervisor's virtual one (sw/hv/
 * vipi.c). Zone 0 writes its IPI_EN, reads it back (iocsrrd.w sign-extends 0xffffffff), then g_rounds times sends
 * itself IPI_SEND (vector 3 first, then seeded vectors) with ECFG.LIE[12] = 1 and IE = 1; the handler reads
 * STATUS and writes it to CLEAR. A mailbox round trip (MAIL_SEND to itself, BUF read) checks the byte keep-mask.
 * With g_peer = 1 (the 2-core variant) zone 0 also sends g_rounds IPIs to zone 1 on core 1, whose handler
 * does the same and publishes what it read. The testbench (VipiScoreboard) checks every value and IS[12]
 * from the trace; the guest's checks are the second line. */
#include "guest.h"
#include "ipi.h"
#include "timer.h"
#include "trap.h"

PARAM(g_rounds, 4);
PARAM(g_seed, 0x9E3779B97F4A7C15);
PARAM(g_peer, 0);

#define WAIT_TICKS 20000

/* shared by both zones (.data: zone 1 must not find them cleared by zone 0's .bss clear) */
static volatile uint64_t z1_ready __attribute__((section(".data")));
static volatile uint64_t z1_taken __attribute__((section(".data")));
static volatile uint64_t z1_status __attribute__((section(".data")));
static volatile uint64_t z0_started __attribute__((section(".data")));   /* zone 0 cleared .bss */

static volatile unsigned taken;
static volatile uint32_t seen;

/* one handler for both zones: the handler table is shared .bss (one image) */
static void on_ipi(struct trap_frame *tf)
{
    (void)tf;
    uint32_t st = iocsr_read32(IOCSR_IPI_STATUS);
    ipi_clear(st);
    if (cpuid() == 1) {
        z1_status = st;
        __asm__ volatile("dbar 0" ::: "memory");
        z1_taken++;
        return;
    }
    seen = st;
    taken++;
}

static void zone1(void)
{
    while (!z0_started)
        ;   /* zone 0 clears the shared .bss (the handler table) first */
    trap_install();
    trap_set_irq_handler(IRQ_IPI, on_ipi);
    iocsr_write32(IOCSR_IPI_EN, 0xffffffffU);
    ecfg_lie_write(1UL << IRQ_IPI);
    irq_enable();
    z1_ready = 1;
    for (;;)
        ;   /* zone 0 reports and powers off */
}

static int wait_for(volatile unsigned *ctr, unsigned want)
{
    uint64_t t0 = rdtime();
    while (*ctr != want && rdtime() - t0 < WAIT_TICKS)
        ;
    return *ctr == want;
}

int main(void)
{
    if (hvcall(HC_TEST_ZONE_ID, 0, 0) == 1)
        zone1();
    unsigned cpu = cpuid();
    z0_started = 1;
    printf("guest iocsr_guest_ipi_virt: cpu %u, %lu rounds, peer %lu\n", cpu, g_rounds, g_peer);
    trap_install();
    trap_set_irq_handler(IRQ_IPI, on_ipi);
    iocsr_write32(IOCSR_IPI_EN, 0xffffffffU);
    uint64_t en;
    __asm__ volatile("iocsrrd.w %0, %1" : "=r"(en) : "r"(IOCSR_IPI_EN) : "memory");
    g_check(en == ~0UL, "iocsrrd.w of EN = 0xffffffff reads sign-extended");
    g_check(iocsr_read32(IOCSR_IPI_STATUS) == 0, "STATUS 0 before any send");
    ecfg_lie_write(1UL << IRQ_IPI);
    irq_enable();
    uint64_t s = g_seed | 1;
    int self_ok = 1, peer_ok = 1;
    for (uint64_t r = 0; r < g_rounds; r++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        unsigned v = r == 0 ? 3 : (unsigned)(s % 32);
        unsigned before = taken;
        ipi_send(cpu, v);
        if (!wait_for(&taken, before + 1) || seen != 1U << v) {
            if (self_ok)
                printf("    round %lu: self-IPI vector %u: taken %u, STATUS read %x\n", r, v, taken - before, seen);
            self_ok = 0;
        }
    }
    g_check(self_ok, "every self-IPI taken once, STATUS read = the vector's bit");
    irq_disable();
    g_check((csrrd(CSR_ESTAT) & (1UL << IRQ_IPI)) == 0, "ESTAT.IS[12] 0 after CLEAR");
    /* mailbox: word 1 of box 0 rewritten with keep-mask 0b0101: bytes 1 and 3 from 0xaabbccdd, 0 and 2 kept */
    mail_send(cpu, 0, 0x1122334455667788UL);
    iocsr_write64(IOCSR_MAIL_SEND, (0xaabbccddUL << 32) | (0x5UL << 27) | ((uint64_t)cpu << 16) | (1UL << 2));
    uint64_t box = iocsr_read64(IOCSR_MBUF(0));
    g_check(box == 0xaa22cc4455667788UL, "MAIL_SEND with a byte keep-mask, BUF read");
    if (g_peer) {
        uint64_t t0 = rdtime();
        while (!z1_ready && rdtime() - t0 < 10 * WAIT_TICKS)
            ;
        g_check(z1_ready != 0, "zone 1 ready on core 1");
        for (uint64_t r = 0; r < g_rounds && z1_ready; r++) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            unsigned v = r == 0 ? 3 : (unsigned)(s % 32);
            uint64_t before = z1_taken;
            ipi_send(1, v);
            uint64_t t1 = rdtime();
            while (z1_taken == before && rdtime() - t1 < WAIT_TICKS)
                ;
            if (z1_taken != before + 1 || z1_status != 1U << v) {
                if (peer_ok)
                    printf("    round %lu: IPI to core 1 vector %u: taken %lu, STATUS read %lx\n", r, v,
                           z1_taken - before, z1_status);
                peer_ok = 0;
            }
        }
        g_check(peer_ok, "every IPI to zone 1 taken there once, its STATUS read = the vector's bit");
    }
    return 0;
}
