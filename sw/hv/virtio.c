/* R13: the virtio bridge between non-root guests and the root zone's virtio daemon (hypervisor-behaviour.md
 * 1.9 codes 0, 1, 20 and 1.10; docs/design.md 13.12).
 *
 * The bridge page is hvisor-tool's `struct virtio_bridge` (include/hvisor.h, MAX_CPUS 4): req/res rings of 32
 * with front/rear counters, then cfg_flags[cpu] and cfg_values[cpu]. A non-root guest's load/store to a virtio
 * window (stage-2 V = 0) exits PIL/PIS; mmio.c decodes it and calls hv_virtio_forward, which pushes a
 * device_req (entry first, `dbar`, then req_rear: the daemon reads rear, then the entry) and, unless the access
 * is a QUEUE_NOTIFY write, spins until the daemon bumps cfg_flags[cpu] and returns cfg_values[cpu]. The daemon
 * completes a notify with res {zone, irq} and VirtioInjectIrq; the zone's core asserts the line (irq.c).
 *
 * De-assertion (hvisor-tool #109, #111): per line, by the hypervisor on the driver core, when the guest writes
 * InterruptACK (0x64), before forwarding the write. -DHV_VIRTIO_LEGACY_CLEAR keeps hvisor's path instead: the
 * hypervisor does nothing and the daemon calls ClearInjectIrq (20: every VIP line of every other powered-on
 * core). -DHV_BUG_VIRTIO_DEASSERT_ON_STATUS (SW_BUG=1): de-asserted on the InterruptStatus read, hvisor-tool's
 * behaviour that #109 criticises. -DHV_BUG_VIRTIO_VALUE_BEFORE_FLAG (a mutation): the blocking read takes
 * cfg_values before waiting for cfg_flags, so it returns the previous answer. -DHV_BUG_VIRTIO_REAR_FIRST (a
 * mutation): req_rear is published before the
 * entry is written. */
#include <stdint.h>

#include "hv.h"
#include "timer.h"

#define VIRTIO_MMIO_QUEUE_NOTIFY     0x50
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x60
#define VIRTIO_MMIO_INTERRUPT_ACK    0x64
#define BRIDGE_RING 32
#define CFG_TIMEOUT 10000000UL     /* counter ticks: a daemon that never answers stops the run, named */

struct device_req {
    uint64_t src_cpu;
    uint64_t address;       /* the zone's GPA */
    uint64_t size;
    uint64_t value;
    uint32_t src_zone;
    uint8_t is_write;
    uint8_t need_interrupt;
    uint16_t padding;
};
struct device_res {
    uint32_t target_zone;
    uint32_t irq_id;
};
struct virtio_bridge {
    volatile uint32_t req_front, req_rear, res_front, res_rear;
    struct device_req req_list[BRIDGE_RING];
    struct device_res res_list[BRIDGE_RING];
    volatile uint64_t cfg_flags[HV_MAX_CPUS];
    volatile uint64_t cfg_values[HV_MAX_CPUS];
};
_Static_assert(sizeof(struct device_req) == 40, "device_req");
_Static_assert(__builtin_offsetof(struct virtio_bridge, cfg_flags) == 1552, "hvisor-tool layout");

static struct virtio_bridge *bridge;
static volatile uint32_t req_lock;

uint64_t hv_virtio_init(const struct zone *z, uint64_t gpa)
{
    if (gpa & 7 || gpa < z->ram_base || gpa + sizeof(struct virtio_bridge) > z->ram_base + z->ram_size)
        return (uint64_t)-HV_EINVAL;
    bridge = (struct virtio_bridge *)(uintptr_t)gpa;    /* identity stage 2: GPA = HPA */
    return 0;
}

uint64_t hv_virtio_inject(void)
{
    if (!bridge)
        return (uint64_t)-HV_EINVAL;
    while (bridge->res_front != bridge->res_rear) {
        __asm__ volatile("dbar 0" ::: "memory");        /* the entry after the rear the daemon published */
        struct device_res r = bridge->res_list[bridge->res_front % BRIDGE_RING];
        bridge->res_front++;
        if (r.target_zone < hv_nr_zones)
            hv_send_event(hv_zones[r.target_zone].cpu, EV_VIRTIO_INJECT_IRQ, r.irq_id);
    }
    return 0;
}

static void push(struct vcpu *vc, uint64_t gpa, unsigned bytes, int is_store, uint64_t value, int notify)
{
    while (__atomic_exchange_n(&req_lock, 1, __ATOMIC_ACQUIRE))
        ;
    while (bridge->req_rear - bridge->req_front >= BRIDGE_RING)
        ;                                               /* full: the daemon drains it (hvisor backs off) */
    uint32_t rear = bridge->req_rear;
#ifdef HV_BUG_VIRTIO_REAR_FIRST
    bridge->req_rear = rear + 1;                        /* the mutation: published before the entry */
    __asm__ volatile("dbar 0" ::: "memory");
#endif
    struct device_req *r = &bridge->req_list[rear % BRIDGE_RING];
    r->src_cpu = vc->cpu;
    r->address = gpa;
    r->size = bytes;
    r->value = is_store ? value : 0;
    r->src_zone = (uint32_t)vc->zone;
    r->is_write = (uint8_t)is_store;
    r->need_interrupt = (uint8_t)notify;
#ifndef HV_BUG_VIRTIO_REAR_FIRST
    __asm__ volatile("dbar 0" ::: "memory");            /* release: the entry before the rear */
    bridge->req_rear = rear + 1;
#endif
    __atomic_store_n(&req_lock, 0, __ATOMIC_RELEASE);
}

uint64_t hv_virtio_forward(struct vcpu *vc, const struct mmio_window *win, uint64_t gpa, unsigned bytes,
                           int is_store, uint64_t value)
{
    if (!bridge)
        hv_fatal(vc, "virtio window accessed before VirtioInit");
    uint64_t off = gpa - win->base;
    int notify = is_store && off == VIRTIO_MMIO_QUEUE_NOTIFY;
#if defined(HV_BUG_VIRTIO_DEASSERT_ON_STATUS)
    if (!is_store && off == VIRTIO_MMIO_INTERRUPT_STATUS)
        hv_irq_ack(hv_zones[vc->zone].virtio_irq);                           /* hvisor-tool: the status read clears the line */
#elif !defined(HV_VIRTIO_LEGACY_CLEAR)
    if (is_store && off == VIRTIO_MMIO_INTERRUPT_ACK)
        hv_irq_ack(hv_zones[vc->zone].virtio_irq);                           /* this line only, on the guest's acknowledge */
#endif
    uint64_t flag = bridge->cfg_flags[vc->cpu];         /* before the request: the answer changes it */
    push(vc, gpa, bytes, is_store, value, notify);
    if (notify)
        return 0;                                       /* completion comes as an interrupt */
    uint64_t t0 = rdtime();
#ifdef HV_BUG_VIRTIO_VALUE_BEFORE_FLAG
    uint64_t answer = bridge->cfg_values[vc->cpu];      /* the previous request's answer */
#endif
    while (bridge->cfg_flags[vc->cpu] == flag)
        if (rdtime() - t0 > CFG_TIMEOUT)
            hv_fatal(vc, "the virtio daemon never answered the request");
    __asm__ volatile("dbar 0" ::: "memory");            /* acquire: cfg_values after the flag */
#ifndef HV_BUG_VIRTIO_VALUE_BEFORE_FLAG
    uint64_t answer = bridge->cfg_values[vc->cpu];
#endif
    return answer;
}
