/* Power-off through the ACPI GED sleep control register, as on QEMU virt. */
#ifndef LACOSIM_POWEROFF_H
#define LACOSIM_POWEROFF_H

#define GED_SLEEP_CTL      0x100E001CUL
#define GED_POWEROFF_VALUE 0x34  /* SLP_EN | SLP_TYP=5 */

__attribute__((noreturn)) void poweroff(void);

#endif
