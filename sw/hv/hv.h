/* sw/hv: the test hypervisor (hvisor-like; hypervisor-behaviour.md R1-R13; docs/design.md 13).
 *
 * One image for every core, linked at 0x0020_0000 like every sw program; the root runs at PLV0 through an
 * identity DMW0 (design.md 12.5: a stage-2 refill's ertn leaves the root paged) and never uses the TLB
 * itself. Each core runs at most one vCPU, pinned (hvisor style): the guest's timer and interrupt-status
 * CSRs are never switched. Zones come from a C table per test (zones/<test>.c). */
#ifndef HV_H
#define HV_H

#include "la.h"
#include "lvz.h"

#define HV_GSTAT_PVM 2      /* GSTAT.PVM, PRMD.PIE: literals the assembler takes */
#define HV_PRMD_PIE  4

/* struct vcpu layout (bytes), shared with vcpu_switch.S */
#define VC_REG(n)   ((n) * 8)
#define VC_ERA      256
#define VC_ESTAT    264
#define VC_BADV     272
#define VC_BADI     280
#define VC_PRMD     288
#define VC_GSTAT    296
#define VC_HVSP     304     /* the hypervisor stack top of this core */
#define VC_GCSR     312     /* guest CSRs read at exit, for inspection (HV_GCSR_* order) */
#define HV_GCSR_CRMD  0
#define HV_GCSR_PRMD  1
#define HV_GCSR_ECFG  2
#define HV_GCSR_ESTAT 3
#define HV_GCSR_ERA   4
#define HV_GCSR_TCFG  5
#define HV_GCSR_TVAL  6
#define HV_NR_GCSR    7
#define VC_SIZE     (VC_GCSR + 8 * HV_NR_GCSR + 8 * 9)

#define HV_MAX_CPUS   4
#define HV_MAX_ZONES  4
#define HV_MAX_WINDOWS 4

/* Hypercall codes (a0; a1/a2 arguments; result in a0; ERA += 4). 0-20 are hvisor's (hypervisor-behaviour
 * 1.9), 0x70-0x7f are the testbench's. */
#define HC_VIRTIO_INIT       0
#define HC_VIRTIO_INJECT_IRQ 1
#define HC_ZONE_START        2
#define HC_ZONE_SHUTDOWN     3
#define HC_CONFIG_CHECK      6
#define HC_CLEAR_INJECT_IRQ  20
#define HC_TEST_EVENT_PAIR   0x68   /* vipi: events 2 then 4 to core a1, a2 ticks apart; a0 = 0 (13.11) */
#define HC_TEST_EVENTS_QUEUED 0x69  /* vipi: a0 = events queued for core a1, not yet popped (13.11) */
#define HC_TEST_SPIN         0x70   /* the root spins a1 counter ticks; a0 = ticks actually spent */
#define HC_TEST_SET_GCNTC    0x71   /* GCNTC = a1; a0 = the root's rdtime right after */
#define HC_TEST_EXITS        0x72   /* a0 = exits of this vCPU so far (this one included) */
#define HC_TEST_INJECT       0x73   /* a1 = ESTAT.IS bit (0,1,2..9,11,12), a2 = 1 assert / 0 de-assert */
#define HC_TEST_MMIO_LAST    0x74   /* a0 = the test device's last access: addr | size<<48 | write<<56 */
#define HC_TEST_GUEST_BUG    0x75   /* a0 = 1 in a build with -DHV_GUEST_SW_BUG (the guest's seed bug), else 0 */
#define HC_TEST_HWI_ROUTE    0x76   /* EXTIOI source a1 -> HWI line a2 of the caller's core, enabled; a0 = 0 */
#define HC_TEST_SET_PIP      0x77   /* GINTC.PIP = a1 (VIP kept); a0 = the GINTC written */
#define HC_TEST_ZONE_ID      0x7d   /* a0 = the caller's zone id */
#define HC_TEST_ECHO         0x7e   /* a0 = a1 + a2 */
#define HC_TEST_REPORT       0x7f   /* a1 = failures: prints "<test>: PASS|FAIL", powers off */

#define HV_EPERM   1
#define HV_EINVAL  22
#define HV_EBUSY   16
#define HV_ETIMEDOUT 110

#define HV_CONFIG_MAGIC 0x6876697330303031UL  /* ConfigCheck writes this u64 ("hvis0001") */

#ifdef HV_UNKNOWN_HC_KVM
#define HV_UNKNOWN_HC_RESULT ((uint64_t)-1)   /* KVM: a0 = -1 */
#else
#define HV_UNKNOWN_HC_RESULT 0UL              /* hvisor: 0 with a warning */
#endif

/* Doorbell: IPI vector HV_DOORBELL_VECTOR (STATUS bit) + an event in the target's queue */
#define HV_DOORBELL_VECTOR 7
#define EV_WAKEUP            0
#define EV_SHUTDOWN          1
#define EV_VIRTIO_INJECT_IRQ 2
#define EV_CLEAR_INJECT_IRQ  4
#define EV_VIPI_KICK         0x68   /* vipi.c: sync guest IS[12] with this core's virtual IPI STATUS */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct vcpu {
    uint64_t regs[32];
    uint64_t era, estat, badv, badi, prmd, gstat;
    uint64_t hv_sp;
    uint64_t gcsr[HV_NR_GCSR];
    /* C only from here */
    uint64_t exits;
    unsigned cpu;
    int zone;          /* -1: parked */
    uint64_t pad[7];
};
_Static_assert(__builtin_offsetof(struct vcpu, era) == VC_ERA, "VC_ERA");
_Static_assert(__builtin_offsetof(struct vcpu, hv_sp) == VC_HVSP, "VC_HVSP");
_Static_assert(__builtin_offsetof(struct vcpu, gcsr) == VC_GCSR, "VC_GCSR");
_Static_assert(sizeof(struct vcpu) == VC_SIZE, "VC_SIZE");

/* An emulated MMIO window (stage-2 V = 0) and its device; or a pass-through window (identity, MAT SUC) */
struct mmio_window {
    uint64_t base, size;
    int emulated;      /* 1: V = 0, emulated by mmio.c's test device; 0: passed through; HV_WIN_VIRTIO: V = 0,
                        * forwarded to the root zone's daemon through the virtio bridge (virtio.c) */
};
#define HV_WIN_VIRTIO 2

struct zone {
    unsigned cpu;                /* the core it runs on (pinned) */
    unsigned gid;                /* GSTAT.GID / GTLBC.TGID (zone id + 1 by convention) */
    int root;                    /* the root zone: may call the root-only hypercalls */
    uint64_t ram_base, ram_size; /* identity-mapped RAM (GPA = HPA), 16 KiB aligned */
    uint64_t entry;              /* first guest PC (GPA; the guest starts in DA mode) */
    uint64_t pip;                /* GINTC.PIP: physical HWI lines passed through */
    struct mmio_window windows[HV_MAX_WINDOWS];
    int autostart;               /* started at boot (else by ZoneStart) */
    unsigned virtio_irq;         /* its virtio windows' interrupt (guest ESTAT.IS bit; 4 = HWI2, hvisor's cpuintc 4) */
};

/* zones/<test>.c */
extern const struct zone hv_zones[];
extern const unsigned hv_nr_zones;

/* percpu.c */
extern struct vcpu hv_vcpus[HV_MAX_CPUS];
extern volatile uint64_t hv_power_on[HV_MAX_CPUS];   /* .data */
void hv_percpu_init(unsigned cpu);
static inline struct vcpu *this_vcpu(void) { return (struct vcpu *)csrrd(CSR_SAVE0); }

/* vcpu_switch.S */
extern char hv_exit_entry[];
void hv_vcpu_enter(struct vcpu *vc) __attribute__((noreturn));

/* exit.c */
void hv_exit(struct vcpu *vc) __attribute__((noreturn));
void hv_run_zone(struct vcpu *vc, int zone) __attribute__((noreturn));
void hv_fatal(struct vcpu *vc, const char *what) __attribute__((noreturn));
const char *hv_test_name(void);

/* gspr.c, cpucfg.c, hypercall.c, mmio.c */
void hv_handle_gspr(struct vcpu *vc);
uint64_t hv_cpucfg(uint64_t index);
void hv_cpucfg_init(void);
void hv_handle_hvc(struct vcpu *vc);
void hv_handle_mmio(struct vcpu *vc);
extern volatile uint64_t hv_mmio_last;

/* virtio.c (R13, hypervisor-behaviour.md 1.10): the bridge to the root zone's virtio daemon */
uint64_t hv_virtio_init(const struct zone *z, uint64_t gpa);
uint64_t hv_virtio_inject(void);
uint64_t hv_virtio_forward(struct vcpu *vc, const struct mmio_window *win, uint64_t gpa, unsigned bytes,
                           int is_store, uint64_t value);

/* stage2.c; the refill is sw/mmu/lib/tlbr.S's walk: a stage-2 miss enters it in DA mode with TLBRBADV = the
 * GPA, it walks the running zone's table through PGD (= PGDL), tlbfill tags the entry with GTLBC.TGID and ertn
 * returns to the guest (TLBRPRMD[3], design.md 12.5); it counts refills in root SAVE7 */
void hv_stage2_build(int zone);
uint64_t hv_stage2_root(int zone);
extern char tlbr_walk[];

/* irq.c */
void hv_send_event(unsigned cpu, unsigned event, uint64_t arg);
int hv_handle_irq(struct vcpu *vc);           /* 1: keep running the guest */
void hv_drain_events(struct vcpu *vc);
void hv_assert_hwi(unsigned line);
void hv_deassert_hwi(unsigned line);
void hv_clear_all_hwi(void);
void hv_irq_ack(unsigned is_bit);
#define HV_TESTDEV_ACK 0x38
void hv_set_estat(unsigned bit);
void hv_clear_estat(unsigned bit);

/* vipi.c (docs/design.md 13.11) */
int hv_vipi_iocsr(struct vcpu *vc, uint32_t insn);
void hv_vipi_sync(struct vcpu *vc);
unsigned hv_events_queued(unsigned cpu);      /* irq.c */

/* park.c */
void hv_park(struct vcpu *vc) __attribute__((noreturn));
void hv_park_irq(struct vcpu *vc) __attribute__((noreturn));
void hv_start_on(unsigned cpu, int zone);
void hv_zone_free(struct vcpu *vc);           /* shutdown.c: on the zone's core, before it parks */
extern volatile uint64_t hv_ready[HV_MAX_CPUS];
void hv_main(void) __attribute__((noreturn));
void hv_secondary(unsigned cpu) __attribute__((noreturn));

/* idle policy (gspr.c) */
void hv_idle(struct vcpu *vc);
#endif
#endif
