/* host_hwi: device interrupts through the external interrupt controller (EXTIOI-style subset, rtl/soc/
 * la_extioi.sv) to a core's HWI pin (ESTAT.IS[2 + pin]), on 1 to 4 cores.
 *
 * The testbench (lacosim.tests.host.HostHwi) pulses la_tb_top.ext_irq[hwi_source] high hwi_count times.
 * Pulse n belongs to core (n + n / 8) mod hwi_cores and to HWI pin (hwi_pin + n) mod 8, so 8 * hwi_cores
 * pulses give every core every pin once. The owning core routes the source to itself alone (ROUTE = 1 <<
 * core), maps it to the pin (IPMAP), enables LIE for that pin only and sleeps in `idle 0`; every other core
 * spins with LIE = all eight HWI pins, so an interrupt routed to the wrong core is taken and counted. The
 * handler counts, checks ESTAT.IS shows the pin and that it runs on the owner, and masks the source (EN
 * clear) so the still-high level is not taken twice; the owner hands the next pulse on after hwi_quiet
 * ticks, by when the pulse is over. A one-shot timer of TIMEOUT_TICKS guards every wait, so a missing
 * pulse ends in a deterministic FAIL instead of an idle that never wakes (QEMU has no such device line).
 *
 * Parameters (uint64_t, ELF symbols in .data):
 *   hwi_source  default 5      EXTIOI source 0..31 (not 2: UART0)
 *   hwi_pin     default 3      HWI pin of the first pulse, 0..7
 *   hwi_count   default 8      pulses expected
 *   hwi_quiet   default 3000   ticks to wait before unmasking (longer than the pulse)
 *   hwi_cores   default 1      cores taking turns (the test sets the run's core count)
 * Success: last line "host_hwi: PASS".
 */
#include <stdint.h>

#include "ipi.h"
#include "la.h"
#include "param.h"
#include "poweroff.h"
#include "print.h"
#include "smp.h"
#include "timer.h"
#include "trap.h"

PARAM(hwi_source, 5);
PARAM(hwi_pin, 3);
PARAM(hwi_count, 8);
PARAM(hwi_quiet, 3000);
PARAM(hwi_cores, 1);

#define IOCSR_EXTIOI_IPMAP 0x14c0U   /* byte per source: HWI pin */
#define IOCSR_EXTIOI_EN    0x1600U   /* bit per source */
#define IOCSR_EXTIOI_ROUTE 0x1c00U   /* byte per source: core bitmap */
#define TIMEOUT_TICKS      4000000U
#define ALL_HWI            (0xffU << IRQ_HWI(0))

/* shared by the cores; .data, so the secondaries never wait for the .bss clear */
#define SHARED __attribute__((section(".data")))
static volatile uint64_t turn SHARED;          /* the pulse being waited for; hwi_count when done */
static volatile uint64_t taken SHARED;         /* interrupts taken by a pulse's owner */
static volatile uint64_t wrong_is SHARED;      /* ... with ESTAT.IS not showing the pin */
static volatile uint64_t wrong_core SHARED;    /* interrupts taken by a core the source was not routed to */
static volatile uint64_t failures SHARED;
static volatile uint64_t done SHARED;
static volatile unsigned cur_pin SHARED, cur_core SHARED;
static volatile uint64_t timed_out[SMP_MAX_CORES] SHARED;

static inline void iocsr_write8(uint32_t addr, uint8_t v)
{
    __asm__ volatile("iocsrwr.b %0, %1" : : "r"(v), "r"(addr) : "memory");
}

static unsigned cores(void) { return hwi_cores < 1 ? 1 : hwi_cores > SMP_MAX_CORES ? SMP_MAX_CORES : (unsigned)hwi_cores; }
static unsigned owner_of(uint64_t n) { return (unsigned)((n + n / 8) % cores()); }

static void h_hwi(struct trap_frame *tf)
{
    if (cpuid() != cur_core)
        __atomic_fetch_add(&wrong_core, 1, __ATOMIC_RELAXED);
    else if (!(csrrd(CSR_ESTAT) & (1u << IRQ_HWI(cur_pin))))
        wrong_is++;
    iocsr_write32(IOCSR_EXTIOI_EN, 0);          /* mask the source: the level may still be high */
    if (cpuid() == cur_core)
        taken++;
    if (tf->era == (uint64_t)(uintptr_t)idle_once_insn)
        tf->era += 4;
}

static void h_ti(struct trap_frame *tf)
{
    timer_ack();
    timed_out[cpuid()] = 1;
    if (tf->era == (uint64_t)(uintptr_t)idle_once_insn)
        tf->era += 4;
}

/* pulse n on its owner `core`: route, map, enable, sleep until taken; 0 if it never came */
static int take_pulse(unsigned core, uint64_t n)
{
    unsigned src = hwi_source & 31, pin = (unsigned)((hwi_pin + n) & 7);
    cur_pin = pin;
    cur_core = core;
    iocsr_write8(IOCSR_EXTIOI_ROUTE + src, (uint8_t)(1u << core));
    iocsr_write8(IOCSR_EXTIOI_IPMAP + src, (uint8_t)pin);
    ecfg_lie_write((1u << IRQ_HWI(pin)) | (1u << IRQ_TI));
    iocsr_write32(IOCSR_EXTIOI_EN, 1u << src);
    timed_out[core] = 0;
    timer_oneshot(TIMEOUT_TICKS);
    while (taken == n && !timed_out[core])
        idle_once();
    timer_stop();
    ecfg_lie_write(ALL_HWI);
    if (taken == n) {
        printf("  FAIL: no HWI%u interrupt on core %u for pulse %lu\n", pin, core, n + 1);
        return 0;
    }
    uint64_t start = rdtime();
    while (rdtime() - start < hwi_quiet)
        ;
    return 1;
}

static void run(unsigned core)
{
    trap_install();
    timer_stop();
    timer_ack();
    ecfg_lie_write(ALL_HWI);
    irq_enable();
    for (uint64_t n = 0; n < hwi_count; n++) {
        while (turn < n)
            ;
        if (turn >= hwi_count)
            break;
        if (owner_of(n) != core)
            continue;
        if (!take_pulse(core, n)) {
            failures++;
            turn = hwi_count;   /* the others stop waiting */
            break;
        }
        turn = n + 1;
    }
    irq_disable();
    smp_barrier_once(&done, cores());
}

static void secondary(unsigned core) { run(core); }

int main(void)
{
    printf("host_hwi: hwi_source=%lu hwi_pin=%lu hwi_count=%lu hwi_quiet=%lu hwi_cores=%u\n", hwi_source, hwi_pin,
           hwi_count, hwi_quiet, cores());
    for (unsigned p = 0; p < 8; p++)
        trap_set_irq_handler(IRQ_HWI(p), h_hwi);
    trap_set_irq_handler(IRQ_TI, h_ti);
    smp_publish_bss_done();
    for (unsigned c = 1; c < cores(); c++)
        if (smp_start_core(c, secondary) != 0) {
            printf("host_hwi: FAIL\n");
            return 0;
        }
    run(0);
    printf("HWI interrupts: %lu (expected %lu); ESTAT.IS showed the routed pin in the handler: %s; taken by a core "
           "the source was not routed to: %lu\n", taken, hwi_count, wrong_is ? "no" : "yes", wrong_core);
    if (taken != hwi_count || wrong_is || wrong_core)
        failures++;
    printf("host_hwi: %s\n", failures ? "FAIL" : "PASS");
    return 0;
}
