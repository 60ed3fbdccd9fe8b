#include "guest_timer.h"

volatile uint64_t g_ti_count, g_ti_time;

static void count_ti(struct trap_frame *tf)
{
    (void)tf;
    g_ti_time = rdtime();
    g_ti_count++;
    timer_ack();
}

void g_timer_irq_setup(trap_handler_t on_ti)
{
    trap_install();
    trap_set_irq_handler(IRQ_TI, on_ti ? on_ti : count_ti);
    timer_stop();
    timer_ack();
    ecfg_lie_write(1UL << IRQ_TI);
    irq_enable();
}
