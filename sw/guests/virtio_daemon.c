/* T19 virtio_mmio_forward (hypervisor-behaviour.md 1.10, 3 T19; docs/design.md 13.12). One image, two roles:
 *
 * zone 0 (root, core 0): the virtio daemon that replaces Linux + hvisor-tool. It registers the bridge page
 * (VirtioInit), starts zone 1 and polls the request ring: rear first, then the entry (dbar between). A read is
 * answered from a small register table (cfg_values[cpu], dbar, cfg_flags[cpu]++, as hvisor-tool's
 * virtio_finish_cfg_req); a QueueNotify sets InterruptStatus bit 0 and completes with res {zone 1, irq 4} and
 * VirtioInjectIrq; an InterruptACK write clears the acknowledged status bits (and, with g_legacy, calls
 * ClearInjectIrq, hvisor's path). It reports when the driver is done (g_failures is shared by both zones).
 *
 * zone 1 (core 1): the driver. It reads MagicValue and DeviceID (blocking requests), then writes QueueNotify
 * g_notifies times; each completion comes as HWI2, whose handler reads InterruptStatus and writes it back to
 * InterruptACK. */
#include "guest.h"
#include "timer.h"
#include "trap.h"

#define VIRTIO_GPA 0x30000000UL
#define MAGIC_VALUE      0x00
#define VERSION          0x04
#define DEVICE_ID        0x08
#define VENDOR_ID        0x0c
#define QUEUE_NOTIFY     0x50
#define INTERRUPT_STATUS 0x60
#define INTERRUPT_ACK    0x64
#define VIRTIO_MAGIC     0x74726976U       /* "virt" */
#define VIRTIO_IRQ       4                 /* HWI2 */
#define WAIT_TICKS       1000000UL

PARAM(g_device_id, 2);
PARAM(g_vendor_id, 0x554d4551);
PARAM(g_notifies, 3);
PARAM(g_legacy, 0);
PARAM(g_restart, 0);    /* zone_restart_irq_in_flight: shut zone 1 down with its first completion in flight */
PARAM(g_down_ticks, 2000);

/* hvisor-tool include/hvisor.h (MAX_CPUS 4); the hypervisor's copy is sw/hv/virtio.c */
struct device_req {
    uint64_t src_cpu, address, size, value;
    uint32_t src_zone;
    uint8_t is_write, need_interrupt;
    uint16_t padding;
};
struct device_res {
    uint32_t target_zone, irq_id;
};
struct virtio_bridge {
    volatile uint32_t req_front, req_rear, res_front, res_rear;
    struct device_req req_list[32];
    struct device_res res_list[32];
    volatile uint64_t cfg_flags[4];
    volatile uint64_t cfg_values[4];
};
struct virtio_bridge virtio_bridge __attribute__((aligned(64)));

/* shared by both zones (.data: zone 0's .bss clear must not race zone 1) */
volatile uint64_t drv_done __attribute__((section(".data")));
volatile uint64_t drv_irqs __attribute__((section(".data")));
volatile uint64_t drv_lives __attribute__((section(".data")));


/* ---------------------------------------------------------------- the daemon (zone 0) */
static uint32_t int_status;

static uint64_t cfg_read(uint64_t off)
{
    switch (off) {
    case MAGIC_VALUE: return VIRTIO_MAGIC;
    case VERSION: return 2;
    case DEVICE_ID: return g_device_id;
    case VENDOR_ID: return g_vendor_id;
    case INTERRUPT_STATUS: return int_status;
    default: return 0;
    }
}

/* zone_restart_irq_in_flight: the driver's first life masks interrupts; its completion (HWI2) was just queued
 * to core 1 when zone 1 is shut down (SHUTDOWN queued behind the injection), then started again */
static void restart_zone1(void)
{
    uint64_t r = hvcall(HC_ZONE_SHUTDOWN, 1, 0);
    g_check(r == 0, "ZoneShutdown(zone 1) returns 0 (power_on dropped)");
    int_status = 0;                                     /* the device is reset with its zone */
    uint64_t t0 = rdtime();
    while (rdtime() - t0 < g_down_ticks)
        ;
    r = hvcall(HC_ZONE_START, 1, 0);
    g_check(r == 0, "ZoneStart(zone 1) again returns 0");
}

static void daemon(void)
{
    struct virtio_bridge *b = &virtio_bridge;
    uint64_t r = hvcall(HC_VIRTIO_INIT, (uint64_t)(uintptr_t)b, 0);
    g_check(r == 0, "VirtioInit(bridge) returns 0 to the root zone");
    r = hvcall(HC_ZONE_START, 1, 0);
    g_check(r == 0, "ZoneStart(zone 1) returns 0");
    unsigned notifies = 0, reads = 0, acks = 0;
    uint64_t t0 = rdtime();
    while (!drv_done && rdtime() - t0 < 40 * WAIT_TICKS) {
        uint32_t front = b->req_front;
        if (front == b->req_rear)
            continue;
        dbar();                                         /* acquire: the entry after the rear */
        struct device_req q = b->req_list[front % 32];
        dbar();                                         /* the entry copied before the slot is given back */
        b->req_front = front + 1;
        uint64_t off = q.address - VIRTIO_GPA, value = 0;
        if (!q.is_write) {
            value = cfg_read(off);
            reads++;
        } else if (off == INTERRUPT_ACK) {
            int_status &= ~(uint32_t)q.value;
            acks++;
            if (g_legacy)
                hvcall(HC_CLEAR_INJECT_IRQ, 0, 0);     /* hvisor's path: every VIP line of the other cores */
        }
        if (q.is_write && off == QUEUE_NOTIFY) {
            notifies++;
            int_status |= 1;
            if (q.need_interrupt) {
                b->res_list[b->res_rear % 32] = (struct device_res){q.src_zone, VIRTIO_IRQ};
                dbar();
                b->res_rear++;
                hvcall(HC_VIRTIO_INJECT_IRQ, 0, 0);
            }
            if (g_restart && drv_lives == 1)
                restart_zone1();                        /* the completion just queued is still in flight */
            continue;                                   /* a notify is not waited for */
        }
        b->cfg_values[q.src_cpu] = value;
        dbar();                                         /* release: the value before the flag */
        b->cfg_flags[q.src_cpu]++;
    }
    printf("guest virtio_daemon: %u read(s), %u notify(s), %u ack(s); the driver took %lu interrupt(s)\n", reads,
           notifies, acks, drv_irqs);
    g_check(drv_done != 0, "the driver finished");
    g_check(notifies == g_notifies + g_restart && acks == g_notifies, "every notify completed and acknowledged");
}

/* ---------------------------------------------------------------- the driver (zone 1) */
static inline uint32_t vread(uint64_t off) { return *(volatile uint32_t *)(VIRTIO_GPA + off); }
static inline void vwrite(uint64_t off, uint32_t v) { *(volatile uint32_t *)(VIRTIO_GPA + off) = v; }

static volatile uint32_t last_status;

static void on_virtio(struct trap_frame *tf)
{
    (void)tf;
    uint32_t st = vread(INTERRUPT_STATUS);
    last_status = st;
    vwrite(INTERRUPT_ACK, st);
    drv_irqs++;
}

static void driver(void)
{
    drv_irqs = 0;
    uint64_t life = ++drv_lives;
    trap_install();
    trap_set_irq_handler(IRQ_HWI(VIRTIO_IRQ - 2), on_virtio);
    if (g_restart && life == 1) {
        /* the first life: HWI2 masked (LIE 0), one notify, then wait to be shut down with its completion pending */
        vwrite(QUEUE_NOTIFY, 0);
        for (;;)
            ;
    }
    ecfg_lie_write(1UL << VIRTIO_IRQ);
    irq_enable();
    g_check(vread(MAGIC_VALUE) == VIRTIO_MAGIC, "MagicValue read through the daemon");
    g_check(vread(DEVICE_ID) == g_device_id, "DeviceID read through the daemon (a blocking request)");
    int ok = 1;
    for (uint64_t n = 0; n < g_notifies; n++) {
        vwrite(QUEUE_NOTIFY, (uint32_t)n);
        uint64_t t0 = rdtime();
        while (drv_irqs != n + 1 && rdtime() - t0 < WAIT_TICKS)
            ;
        ok &= drv_irqs == n + 1 && last_status == 1;
    }
    g_check(ok, "each notify completed by exactly one HWI2 whose InterruptStatus read is 1");
    if (g_restart)
        g_check(life == 2 && drv_irqs == g_notifies, "the restarted driver took only its own interrupts");
    dbar();                                             /* g_failures is shared: counted before done */
    drv_done = 1;
    for (;;)
        ;
}

int main(void)
{
    if (hvcall(HC_TEST_ZONE_ID, 0, 0) == 1)
        driver();
    printf("guest virtio_daemon: zone 0 serves zone 1's virtio window (%lu notifies, legacy %lu, restart %lu)\n",
           g_notifies, g_legacy, g_restart);
    daemon();
    return 0;
}
