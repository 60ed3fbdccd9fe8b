/* T7 hvcl_hypercall (with T4's zone start and R12's park): the hypercall ABI of sw/hv (hv.h).
 * Zone 0 (root zone, core 0): echo (a1 + a2, with hvcl 0 and with other immediates, which are ignored),
 * ConfigCheck (0 and the magic in memory; -EINVAL outside its RAM or misaligned), an unknown code
 * (g_unknown_code: 0 under hvisor's policy, -1 under KVM's: g_unknown), VirtioInit, VirtioInjectIrq on an empty
 * ring, ZoneStart of zone 1 (0; -EINVAL for itself or a zone that does not exist; -EBUSY while zone 1 runs),
 * ClearInjectIrq while zone 1 runs (a doorbell to core 1), ZoneShutdown of zone 1 (0, then 0 again when it
 * is already off; -EINVAL for zone 0).
 * Zone 1 (non-root, core 1): every root-only code (0, 1, 2, 3, 20) returns -EPERM; echo and ConfigCheck work.
 * Each zone resumes at PC + 4 (the checks run in order) and a0 carries every result. */
#include "guest.h"
#include "timer.h"

PARAM(g_a1, 0x1234);
PARAM(g_a2, 0x5678);
PARAM(g_unknown_code, 999);
PARAM(g_unknown, 0);

#define EPERM  ((uint64_t)-1)
#define EINVAL ((uint64_t)-22)
#define EBUSY  ((uint64_t)-16)

/* shared by both zones (.data: zone 1 must not find them cleared) */
volatile uint64_t z1_started __attribute__((section(".data")));
volatile uint64_t z1_go __attribute__((section(".data")));
volatile uint64_t z1_done __attribute__((section(".data")));
static volatile uint64_t cfg_word[2] __attribute__((section(".data")));
static uint64_t bridge[4096 / 8];

static int wait_for(volatile uint64_t *flag)
{
    uint64_t t0 = rdtime();
    while (!*flag)
        if (rdtime() - t0 > 2000000)
            return 0;
    return 1;
}

static void zone1(void)
{
    z1_started = 1;
    wait_for(&z1_go);
    printf("guest zone 1: non-root hypercalls\n");
    static const uint64_t root_only[] = {HC_VIRTIO_INIT, HC_VIRTIO_INJECT_IRQ, HC_ZONE_START, HC_ZONE_SHUTDOWN,
                                         HC_CLEAR_INJECT_IRQ};
    int eperm = 1;
    for (unsigned i = 0; i < sizeof root_only / sizeof root_only[0]; i++) {
        uint64_t r = hvcall(root_only[i], 0, 0);
        if (r != EPERM) {
            printf("    code %lu returned %lx, expected -EPERM\n", root_only[i], r);
            eperm = 0;
        }
    }
    g_check(eperm, "zone 1: every root-only code returns -EPERM");
    g_check(hvcall(HC_TEST_ECHO, g_a2, g_a1) == g_a1 + g_a2, "zone 1: echo");
    cfg_word[1] = 0;
    g_check(hvcall(HC_CONFIG_CHECK, (uint64_t)&cfg_word[1], 0) == 0 && cfg_word[1] == HV_CONFIG_MAGIC,
            "zone 1: ConfigCheck");
    z1_done = 1;
    for (;;)
        ;   /* zone 0 shuts this zone down */
}

int main(void)
{
    if (hvcall(HC_TEST_ZONE_ID, 0, 0) == 1)
        zone1();
    printf("guest hvcl_hypercall: a1=%lx a2=%lx unknown code %lu -> %lx\n", g_a1, g_a2, g_unknown_code, g_unknown);
    uint64_t sum = g_a1 + g_a2;
    g_check(hvcall(HC_TEST_ECHO, g_a1, g_a2) == sum, "echo: a0 = a1 + a2");
    g_check(hvcall_imm(0x100, HC_TEST_ECHO, g_a1, g_a2) == sum, "hvcl 0x100: the immediate is ignored");
    g_check(hvcall_imm(0x7fff, HC_TEST_ECHO, g_a1, 1) == g_a1 + 1, "hvcl 0x7fff: the immediate is ignored");
    cfg_word[0] = 0;
    g_check(hvcall(HC_CONFIG_CHECK, (uint64_t)&cfg_word[0], 0) == 0 && cfg_word[0] == HV_CONFIG_MAGIC,
            "ConfigCheck returns 0 and writes the magic");
    g_check(hvcall(HC_CONFIG_CHECK, 0x100, 0) == EINVAL, "ConfigCheck outside the zone's RAM: -EINVAL");
    g_check(hvcall(HC_CONFIG_CHECK, (uint64_t)&cfg_word[0] + 4, 0) == EINVAL, "ConfigCheck misaligned: -EINVAL");
    uint64_t r = hvcall(g_unknown_code, 0, 0);
    if (r != g_unknown)
        printf("    unknown code %lu returned %lx\n", g_unknown_code, r);
    g_check(r == g_unknown, "an unknown code returns the policy's result");
    g_check(hvcall(HC_VIRTIO_INIT, (uint64_t)bridge, 0) == 0, "VirtioInit");
    g_check(hvcall(HC_VIRTIO_INJECT_IRQ, 0, 0) == 0, "VirtioInjectIrq on an empty ring");
    g_check(hvcall(HC_ZONE_START, 0, 0) == EINVAL, "ZoneStart of itself: -EINVAL");
    g_check(hvcall(HC_ZONE_START, 7, 0) == EINVAL, "ZoneStart of no zone: -EINVAL");
    g_check(hvcall(HC_ZONE_START, 1, 0) == 0, "ZoneStart of zone 1");
    int started = wait_for(&z1_started);
    g_check(started, "zone 1 runs on core 1");
    g_check(hvcall(HC_ZONE_START, 1, 0) == EBUSY, "ZoneStart of a running zone: -EBUSY");
    g_check(hvcall(HC_CLEAR_INJECT_IRQ, 0, 0) == 0, "ClearInjectIrq (a doorbell to core 1)");
    z1_go = 1;
    g_check(wait_for(&z1_done), "zone 1 finished its checks");
    g_check(hvcall(HC_ZONE_SHUTDOWN, 0, 0) == EINVAL, "ZoneShutdown of zone 0: -EINVAL");
    g_check(hvcall(HC_ZONE_SHUTDOWN, 1, 0) == 0, "ZoneShutdown of zone 1");
    g_check(hvcall(HC_ZONE_SHUTDOWN, 1, 0) == 0, "ZoneShutdown of a zone already off");
    return 0;
}
