/* R8: hvcl. a0 = code, a1/a2 = arguments, result in a0, ERA += 4. The 15-bit hvcl immediate is ignored
 * (hvisor); an unknown code returns 0 (hvisor) or -1 (-DHV_UNKNOWN_HC_KVM); errors are -errno. Codes and
 * who may call them: hv.h and docs/design.md 13. */
#include <stdint.h>

#include "hv.h"
#include "poweroff.h"
#include "print.h"
#include "timer.h"

/* the EXTIOI-style controller's per-source registers (sw/lvz/lvz_gintc.c, rtl la_extioi): HC_TEST_HWI_ROUTE */
#define IOCSR_EXTIOI_IPMAP 0x14c0U   /* byte per source: HWI pin */
#define IOCSR_EXTIOI_EN    0x1600U   /* bit per source */
#define IOCSR_EXTIOI_ROUTE 0x1c00U   /* byte per source: core bitmap */

static inline void iocsr_write8(uint32_t addr, uint8_t v)
{
    __asm__ volatile("iocsrwr.b %0, %1" : : "r"(v), "r"(addr) : "memory");
}

#define ERR(e) ((uint64_t)-(int64_t)(e))

static int in_zone_ram(const struct zone *z, uint64_t gpa, uint64_t size)
{
    return gpa >= z->ram_base && gpa + size <= z->ram_base + z->ram_size && gpa + size > gpa;
}

static uint64_t zone_start(struct vcpu *vc, uint64_t id)
{
    if (vc->cpu != 0 || id >= hv_nr_zones || (int)id == vc->zone || hv_zones[id].cpu == vc->cpu)
        return ERR(HV_EINVAL);
    if (hv_power_on[hv_zones[id].cpu])
        return ERR(HV_EBUSY);
    hv_stage2_build((int)id);
    hv_start_on(hv_zones[id].cpu, (int)id);
    return 0;
}

static uint64_t zone_shutdown(struct vcpu *vc, uint64_t id)
{
    if (id == 0 || id >= hv_nr_zones || (int)id == vc->zone || hv_zones[id].cpu == vc->cpu)
        return ERR(HV_EINVAL);
    unsigned cpu = hv_zones[id].cpu;
    if (!hv_power_on[cpu])
        return 0;
    hv_send_event(cpu, EV_SHUTDOWN, 0);
    uint64_t t0 = rdtime();
    while (hv_power_on[cpu])
        if (rdtime() - t0 > 1000000)
            return ERR(HV_ETIMEDOUT);
    return 0;
}

static uint64_t clear_inject(struct vcpu *vc)
{
    for (unsigned c = 0; c < HV_MAX_CPUS; c++)
        if (c != vc->cpu && hv_power_on[c])
            hv_send_event(c, EV_CLEAR_INJECT_IRQ, 0);
    return 0;
}

void hv_handle_hvc(struct vcpu *vc)
{
    const struct zone *z = &hv_zones[vc->zone];
    uint64_t code = vc->regs[4], a1 = vc->regs[5], a2 = vc->regs[6], r;
    int root_only = code == HC_VIRTIO_INIT || code == HC_VIRTIO_INJECT_IRQ || code == HC_ZONE_START ||
                    code == HC_ZONE_SHUTDOWN || code == HC_CLEAR_INJECT_IRQ;
#ifdef HV_BUG_NO_EPERM
    root_only = 0;      /* a mutation (not the seed's): the root-only codes are open to every zone */
#endif
    if (root_only && !z->root) {
        r = ERR(HV_EPERM);
    } else {
        switch (code) {
        case HC_VIRTIO_INIT:
            r = hv_virtio_init(z, a1);
            break;
        case HC_VIRTIO_INJECT_IRQ: r = hv_virtio_inject(); break;
        case HC_ZONE_START: r = zone_start(vc, a1); break;
        case HC_ZONE_SHUTDOWN: r = zone_shutdown(vc, a1); break;
        case HC_CLEAR_INJECT_IRQ: r = clear_inject(vc); break;
        case HC_CONFIG_CHECK:
            if (!in_zone_ram(z, a1, 8) || (a1 & 7)) {
                r = ERR(HV_EINVAL);
                break;
            }
            *(volatile uint64_t *)(uintptr_t)a1 = HV_CONFIG_MAGIC;
            r = 0;
            break;
        case HC_TEST_SPIN: {
            uint64_t t0 = rdtime(), t;
            while ((t = rdtime()) - t0 < a1)
                ;
            r = t - t0;
            break;
        }
        case HC_TEST_SET_GCNTC:
            csrwr(CSR_GCNTC, a1);
            r = rdtime();
            break;
        case HC_TEST_EXITS: r = vc->exits; break;
        case HC_TEST_EVENT_PAIR:    /* T3 (13.11): two doorbells back to back */
            if (a1 >= HV_MAX_CPUS || a1 == vc->cpu || !hv_power_on[a1]) {
                r = ERR(HV_EINVAL);
                break;
            }
            hv_send_event((unsigned)a1, EV_VIRTIO_INJECT_IRQ, 2);   /* IS bit 2: HWI0 on GINTC.VIP */
            for (uint64_t t0 = rdtime(); rdtime() - t0 < a2;)
                ;
            hv_send_event((unsigned)a1, EV_CLEAR_INJECT_IRQ, 0);
            r = 0;
            break;
        case HC_TEST_EVENTS_QUEUED: r = a1 < HV_MAX_CPUS ? hv_events_queued((unsigned)a1) : ERR(HV_EINVAL); break;
        case HC_TEST_INJECT:
            if (a1 >= 2 && a1 <= 9)
                a2 ? hv_assert_hwi((unsigned)a1 - 2) : hv_deassert_hwi((unsigned)a1 - 2);
            else
                a2 ? hv_set_estat((unsigned)a1) : hv_clear_estat((unsigned)a1);
            r = 0;
            break;
        case HC_TEST_MMIO_LAST: r = hv_mmio_last; break;
#ifdef HV_GUEST_SW_BUG
        case HC_TEST_GUEST_BUG: r = 1; break;   /* SW_BUG=1 of a test whose bug is the guest's */
#else
        case HC_TEST_GUEST_BUG: r = 0; break;
#endif
        case HC_TEST_HWI_ROUTE:     /* T14: the hypervisor owns the interrupt controller (the guest's iocsrwr is dropped) */
            if (a1 >= 32 || a2 >= 8) {
                r = ERR(HV_EINVAL);
                break;
            }
            iocsr_write8(IOCSR_EXTIOI_IPMAP + (unsigned)a1, (uint8_t)a2);
            iocsr_write8(IOCSR_EXTIOI_ROUTE + (unsigned)a1, (uint8_t)(1u << vc->cpu));
            iocsr_write8(IOCSR_EXTIOI_EN + (unsigned)a1 / 8, (uint8_t)(1u << (a1 % 8)));
            r = 0;
            break;
        case HC_TEST_SET_PIP:
            r = (csrrd(CSR_GINTC) & ~0xff00UL) | ((a1 & 0xff) << 8);
            csrwr(CSR_GINTC, r);
            break;
        case HC_TEST_ZONE_ID: r = (uint64_t)vc->zone; break;
        case HC_TEST_ECHO: r = a1 + a2; break;
        case HC_TEST_REPORT:
            printf("hv: zone %d reports %lu failure(s) after %lu exits\n", vc->zone, a1, vc->exits);
            printf("%s: %s\n", hv_test_name(), a1 ? "FAIL" : "PASS");
            poweroff();
        default:
            printf("hv: zone %d: unknown hypercall %lu\n", vc->zone, code);
            r = HV_UNKNOWN_HC_RESULT;
        }
    }
    vc->regs[4] = r;
    vc->era += 4;
}
