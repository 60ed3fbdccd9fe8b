#include "poweroff.h"

void poweroff(void)
{
    *(volatile unsigned char *)GED_SLEEP_CTL = GED_POWEROFF_VALUE;
    for (;;)
        ;
}
