/* LVZ (design.md 12): the root-only CSRs, their fields, and the exit causes. Usable from assembly. */
#ifndef LACOSIM_LVZ_SMOKE_H
#define LACOSIM_LVZ_SMOKE_H

#define CSR_GTLBC       0x15
#define CSR_TRGP        0x16
#define CSR_GSTAT       0x50
#define CSR_GCFG        0x51
#define CSR_GINTC       0x52
#define CSR_GCNTC       0x53
#define CSR_SAVE8       0x38
#define CSR_SAVE9       0x39
#define CSR_SAVE10      0x3a
#define CSR_SAVE11      0x3b
#define CSR_SAVE12      0x3c

#define GSTAT_PVM       (1 << 1)
#define GSTAT_GID_SHIFT 16
#define GTLBC_USETGID   (1 << 12)
#define GTLBC_TGID_SHIFT 16

#define ECODE_GSPR      0x16
#define ECODE_HVC       0x17

#define HVC_SERVICE     0x100   /* the root adds 1000 to a0 */
#define HVC_DONE        1       /* the guest is finished: the root checks and powers off */

/* The guest's physical address space (stage 2 is set up by lvz_smoke.c) */
#define GUEST_GID       1
#define GUEST_CODE_GPA  0x08000000  /* even half: the guest code page; odd half (+0x4000): its data page */
#define GUEST_DATA_GPA  0x08004000
#define GUEST_MISS_GPA  0x08100000  /* not mapped at entry: the root's refill handler maps it */
#define GUEST_PAGE_PS   14          /* 16 KiB pages */

#endif
