/* mmu_faults_hw: mmu_faults.S with the PLV3 fetch of a PLV0 page (see mmu_faults_hw.c) */
#define MMU_FAULTS_HW
#include "mmu_faults.S"
