/* The first program: a greeting and the core's CPUID, then power-off. */
#include "la.h"
#include "print.h"

int main(void)
{
    puts("Hello from lacosim!");
    printf("CPUID %u\n", cpuid());
    return 0;
}
