/* Guest side of sw/hv tests: hypercalls, checks and the verdict (the hypervisor's ABI: sw/hv/hv.h). */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>

#include "la.h"
#include "param.h"
#include "print.h"

#define HC_VIRTIO_INIT       0
#define HC_VIRTIO_INJECT_IRQ 1
#define HC_ZONE_START        2
#define HC_ZONE_SHUTDOWN     3
#define HC_CONFIG_CHECK      6
#define HC_CLEAR_INJECT_IRQ  20
#define HC_TEST_SPIN         0x70
#define HC_TEST_SET_GCNTC    0x71
#define HC_TEST_EXITS        0x72
#define HC_TEST_INJECT       0x73
#define HC_TEST_MMIO_LAST    0x74
#define HC_TEST_GUEST_BUG    0x75
#define HC_TEST_HWI_ROUTE    0x76
#define HC_TEST_SET_PIP      0x77
#define HC_TEST_ZONE_ID      0x7d
#define HC_TEST_ECHO         0x7e
#define HC_TEST_REPORT       0x7f
#define HV_CONFIG_MAGIC      0x6876697330303031UL

/* hvcl `imm` with a0 = code, a1, a2; returns a0. The immediate is ignored by the hypervisor (hvisor ABI). */
#define hvcall_imm(imm, code, x1, x2) ({ \
    register uint64_t __a0 __asm__("$a0") = (code); \
    register uint64_t __a1 __asm__("$a1") = (x1); \
    register uint64_t __a2 __asm__("$a2") = (x2); \
    __asm__ volatile("hvcl %3" : "+r"(__a0) : "r"(__a1), "r"(__a2), "i"(imm) : "memory"); \
    __a0; })
#define hvcall(code, x1, x2) hvcall_imm(0, code, x1, x2)

extern unsigned g_failures;
/* one checked rule: "  <what> ok|FAIL" */
void g_check(int ok, const char *what);
/* the verdict: HC_TEST_REPORT with the failure count (never returns) */
void g_done(void) __attribute__((noreturn));

#endif
