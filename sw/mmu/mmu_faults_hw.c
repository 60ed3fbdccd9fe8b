/* mmu_faults_hw: mmu_faults plus the faults QEMU 7.2 cannot deliver or decides otherwise, so this program
 * is checked against the reference model and the RTL only (not against QEMU):
 *   PNX (fetch from an NX=1 page) and PPI on a PLV3 fetch from a PLV0 page: QEMU 7.2 reads BADI from the
 *   faulting page while delivering them, faults again and loops forever;
 *   ADEM for VA[47] = 1 with VA[63:48] = 0 (design.md 9.2 checks VA[63:47]; QEMU 7.2 only VA[63:48]).
 * Exceptions: PIL PIS PIF PME PNR PNX PPI ADE SYS. 1 core, no parameters.
 */
#define MMU_FAULTS_HW
#define PROG "mmu_faults_hw"
#define KINDS "PIL PIS PIF PME PNR PNX PPI ADEM ADEF"
#include "mmu_faults.c"
