/* The guest timer interrupt as the timer guests take it (sw/guests/lib/guest_timer.c). */
#ifndef GUEST_TIMER_H
#define GUEST_TIMER_H

#include <stdint.h>

#include "timer.h"
#include "trap.h"

/* TIs taken by the counting handler, and the guest time (rdtime) of the last one */
extern volatile uint64_t g_ti_count, g_ti_time;

/* The trap entry installed, `on_ti` (NULL: the counting handler, which acknowledges with TICLR) on TI, the
 * guest timer stopped and acknowledged, ECFG.LIE = TI, CRMD.IE = 1. */
void g_timer_irq_setup(trap_handler_t on_ti);

#endif
