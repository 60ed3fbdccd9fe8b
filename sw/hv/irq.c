/* R10/R11: INT exits, the doorbell event queues, and the injection API.
 *
 * Doorbell: the sender queues {event, arg} in the target core's queue (a spinlock of amswap), then sends IPI
 * vector HV_DOORBELL_VECTOR with IPI_SEND. The target clears its IPI STATUS *before* it drains the queue and
 * drains until the queue is empty (hvisor #361, bao #89: an event queued between the drain and a late clear
 * would be lost). A WAKEUP or SHUTDOWN leaves the drain for good: if events remain, the core rings its own
 * doorbell so they are drained at its next exit.
 *
 * Injection: HWI0-7 on GINTC.VIP, per line (level: asserted until de-asserted) or, with
 * -DHV_HWI_CLEAR_ALL, hvisor's de-assert that clears every VIP line; SWI0/1, TI, IPI on the guest
 * ESTAT with gcsrxchg. */
#include <stdint.h>

#include "hv.h"
#include "ipi.h"
#include "print.h"
#include "timer.h"
#include "trap.h"

#define QLEN 16
struct event_queue {
    volatile uint32_t lock;
    uint32_t head, tail;
    uint32_t ev[QLEN];
    uint64_t arg[QLEN];
};
static struct event_queue queues[HV_MAX_CPUS];

static void lock(volatile uint32_t *l)
{
    while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
        ;
}

static void unlock(volatile uint32_t *l)
{
    __atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

void hv_send_event(unsigned cpu, unsigned event, uint64_t arg)
{
    struct event_queue *q = &queues[cpu];
    lock(&q->lock);
    if (q->tail - q->head >= QLEN) {
        unlock(&q->lock);
        hv_fatal(0, "event queue full");
    }
    q->ev[q->tail % QLEN] = event;
    q->arg[q->tail % QLEN] = arg;
    q->tail++;
    unlock(&q->lock);
    __asm__ volatile("dbar 0" ::: "memory");
    ipi_send(cpu, HV_DOORBELL_VECTOR);
}

static int pop(struct event_queue *q, uint32_t *ev, uint64_t *arg)
{
    lock(&q->lock);
    int any = q->head != q->tail;
    if (any) {
        *ev = q->ev[q->head % QLEN];
        *arg = q->arg[q->head % QLEN];
        q->head++;
    }
    unlock(&q->lock);
    return any;
}

static int queue_empty(struct event_queue *q)
{
    lock(&q->lock);
    int empty = q->head == q->tail;
    unlock(&q->lock);
    return empty;
}

static void inject_line(unsigned irq, int assert)
{
    if (irq >= IRQ_HWI(0) && irq <= IRQ_HWI(7))
        assert ? hv_assert_hwi(irq - IRQ_HWI(0)) : hv_deassert_hwi(irq - IRQ_HWI(0));
    else
        assert ? hv_set_estat(irq) : hv_clear_estat(irq);
}

void hv_drain_events(struct vcpu *vc)
{
    struct event_queue *q = &queues[vc->cpu];
    uint32_t ev;
    uint64_t arg;
    while (pop(q, &ev, &arg)) {
        switch (ev) {
        case EV_WAKEUP:
        case EV_SHUTDOWN:
            if (!queue_empty(q))
                ipi_send(vc->cpu, HV_DOORBELL_VECTOR);
            if (ev == EV_SHUTDOWN) {
                if (vc->zone >= 0)
                    hv_zone_free(vc);   /* shutdown.c: its GID's TLB entries, its VIP lines */
                hv_park(vc);
            }
            if (vc->zone < 0)
                hv_run_zone(vc, (int)arg);
            break;                      /* a WAKEUP of a core already running a zone: ignored */
        case EV_VIRTIO_INJECT_IRQ:
            if (vc->zone >= 0)
                inject_line((unsigned)arg, 1);
            break;
        case EV_CLEAR_INJECT_IRQ:
            hv_clear_all_hwi();
            break;
        case EV_VIPI_KICK:
            if (vc->zone >= 0)
                hv_vipi_sync(vc);
            break;
        default:
            printf("hv: cpu %u: unknown event %u\n", vc->cpu, ev);
        }
    }
}

unsigned hv_events_queued(unsigned cpu)
{
    struct event_queue *q = &queues[cpu % HV_MAX_CPUS];
    lock(&q->lock);
    unsigned n = q->tail - q->head;
    unlock(&q->lock);
    return n;
}

int hv_handle_irq(struct vcpu *vc)
{
    uint64_t is = vc->estat & csrrd(CSR_ECFG) & ECFG_LIE_MASK;
    if (is & (1UL << IRQ_IPI)) {
#ifdef HV_BUG_LATE_CLEAR
        hv_drain_events(vc);            /* the mutation: hvisor's reset_ipi after check_events (hvisor #361) */
        ipi_clear(0xffffffffU);
#else
        ipi_clear(ipi_status());        /* STATUS first, then the queue (R10) */
        hv_drain_events(vc);
#endif
    }
    if (is & (1UL << IRQ_TI)) {         /* the root timer (the blocking idle policy arms it): off */
        csrwr(CSR_TCFG, 0);
        csrwr(CSR_TICLR, TICLR_CLR);
    }
    return 1;
}

void hv_assert_hwi(unsigned line)
{
    csrxchg(CSR_GINTC, 1UL << line, 1UL << line);
}

void hv_deassert_hwi(unsigned line)
{
#ifdef HV_HWI_CLEAR_ALL
    (void)line;
    hv_clear_all_hwi();                 /* hvisor's clear_hwi_injected_irq */
#else
    csrxchg(CSR_GINTC, 0, 1UL << line);
#endif
}

void hv_clear_all_hwi(void)
{
    csrxchg(CSR_GINTC, 0, 0xff);
}

/* guest ESTAT bits the root may set: SWI0/1 [1:0], TI [11], IPI [12] (design.md 12.3) */
#define ESTAT_INJECTABLE 0x1803UL

void hv_set_estat(unsigned bit)
{
    uint64_t m = (1UL << bit) & ESTAT_INJECTABLE;
    gcsrxchg(CSR_ESTAT, m, m);
}

void hv_clear_estat(unsigned bit)
{
    gcsrxchg(CSR_ESTAT, 0, (1UL << bit) & ESTAT_INJECTABLE);
}

/* the ack of an injected line (the test device's ACK register, mmio.c): IS bits 2..9 on GINTC.VIP (per line,
 * or all with -DHV_HWI_CLEAR_ALL), 0/1/11/12 on the guest ESTAT */
void hv_irq_ack(unsigned is_bit)
{
    if (is_bit >= IRQ_HWI(0) && is_bit <= IRQ_HWI(7))
        hv_deassert_hwi(is_bit - IRQ_HWI(0));
    else if (is_bit < IRQ_COUNT)
        hv_clear_estat(is_bit);
}
