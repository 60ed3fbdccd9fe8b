/* lvz_smoke's own constants: its hypercalls and guest physical address space. Usable from assembly. */
#ifndef LACOSIM_LVZ_SMOKE_H
#define LACOSIM_LVZ_SMOKE_H

#include "lvz.h"      /* lib/lvz.h: the LVZ CSRs, their fields and the exit causes */
#define CSR_SAVE8       0x38
#define CSR_SAVE9       0x39
#define CSR_SAVE10      0x3a
#define CSR_SAVE11      0x3b
#define CSR_SAVE12      0x3c

#define HVC_SERVICE     0x100   /* the root adds 1000 to a0 */
#define HVC_DONE        1       /* the guest is finished: the root checks and powers off */

/* The guest's physical address space (stage 2 is set up by lvz_smoke.c) */
#define GUEST_GID       1
#define GUEST_CODE_GPA  0x08000000  /* even half: the guest code page; odd half (+0x4000): its data page */
#define GUEST_DATA_GPA  0x08004000
#define GUEST_MISS_GPA  0x08100000  /* not mapped at entry: the root's refill handler maps it */
#define GUEST_PAGE_PS   14          /* 16 KiB pages */

#endif
