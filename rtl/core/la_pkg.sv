// lacosim ISA and SoC constants, shared by the core (rtl/core), the SoC (rtl/soc) and the testbench top.
// Encodings: ../shared/docs/spec-la64-lvz.md section 6 and la64-base-encodings.tsv. Interfaces:
// docs/design.md sections 1 (memory ports) and 2 (retirement trace).
package la_pkg;

  // -----------------------------------------------------------------------------------------------
  // SoC memory map (architecture.md section 3, QEMU virt compatible)
  localparam logic [63:0] RAM_BASE           = 64'h0000_0000;
  localparam logic [63:0] UART0_BASE         = 64'h1FE0_01E0;
  localparam logic [63:0] GED_SLEEP_CTL      = 64'h100E_001C;
  localparam logic [7:0]  GED_POWEROFF_VALUE = 8'h34;  // SLP_EN | SLP_TYP=5, as QEMU's GED

  // LL/SC reservation granule (design.md section 1): any store to the line by another core kills it.
  localparam int unsigned LL_LINE_BYTES = 64;

  // NS16550 register offsets (8-bit registers, stride 1) and the constant status values of our model
  localparam logic [2:0] UART_THR = 3'd0, UART_IER = 3'd1, UART_IIR = 3'd2, UART_LCR = 3'd3,
                         UART_MCR = 3'd4, UART_LSR = 3'd5, UART_SCR = 3'd7;
  localparam logic [7:0] UART_LSR_IDLE = 8'h60;  // THRE | TEMT: the model transmits at once
  localparam logic [7:0] UART_IIR_NONE = 8'h01;

  // IOCSR space (spec-la64-lvz.md section 4)
  localparam logic [31:0] IOCSR_VERSION    = 32'h0000_0000;
  localparam logic [31:0] IOCSR_FEATURES   = 32'h0000_0008;
  localparam logic [31:0] IOCSR_VENDOR     = 32'h0000_0010;
  localparam logic [31:0] IOCSR_CPUNAME    = 32'h0000_0020;
  localparam logic [31:0] IOCSR_IPI_STATUS = 32'h0000_1000;
  localparam logic [31:0] IOCSR_IPI_EN     = 32'h0000_1004;
  localparam logic [31:0] IOCSR_IPI_SET    = 32'h0000_1008;
  localparam logic [31:0] IOCSR_IPI_CLEAR  = 32'h0000_100C;
  localparam logic [31:0] IOCSR_IPI_SEND   = 32'h0000_1040;
  localparam logic [31:0] IOCSR_MAIL_SEND  = 32'h0000_1048;
  localparam logic [63:0] IOCSR_VERSION_VALUE  = 64'h11;          // what QEMU virt returns
  localparam logic [63:0] IOCSR_FEATURES_VALUE = 64'h1C;          // MSI | EXTIOI | CSRIPI (QEMU virt)
  localparam logic [63:0] IOCSR_VENDOR_VALUE   = 64'h6E6F_7367_6E6F_6F4C;  // "Loongson"
  localparam logic [63:0] IOCSR_CPUNAME_VALUE  = 64'h0000_3030_3035_4133;  // "3A5000"
  // EXTIOI subset (la_extioi): register bases as Linux uses them; Sources device lines
  localparam int unsigned EXTIOI_SOURCES       = 32;
  localparam logic [31:0] IOCSR_EXTIOI_IPMAP   = 32'h0000_14C0;
  localparam logic [31:0] IOCSR_EXTIOI_EN      = 32'h0000_1600;
  localparam logic [31:0] IOCSR_EXTIOI_ISR     = 32'h0000_1800;
  localparam logic [31:0] IOCSR_EXTIOI_ROUTE   = 32'h0000_1C00;
  localparam logic [31:0] IOCSR_EXTIOI_BASE    = IOCSR_EXTIOI_IPMAP;
  localparam logic [31:0] IOCSR_EXTIOI_END     = IOCSR_EXTIOI_ROUTE + EXTIOI_SOURCES;

  // -----------------------------------------------------------------------------------------------
  // Core <-> memory interface (design.md section 1)
  typedef enum logic [2:0] {
    MEM_LOAD, MEM_STORE, MEM_LL, MEM_SC, MEM_AMO
  } mem_op_e;

  typedef enum logic [3:0] {
    AMO_SWAP, AMO_ADD, AMO_AND, AMO_OR, AMO_XOR, AMO_MAX, AMO_MIN, AMO_MAXU, AMO_MINU
  } amo_op_e;

  // Access sizes, log2 bytes
  localparam logic [1:0] SIZE_B = 2'd0, SIZE_H = 2'd1, SIZE_W = 2'd2, SIZE_D = 2'd3;

  // Retirement trace record (design.md section 2). Later issues append fields at the end only.
  typedef struct packed {
    logic        valid;
    logic [63:0] pc;
    logic [31:0] insn;
    logic        rd_we;
    logic [4:0]  rd;
    logic [63:0] rd_wdata;
    logic        mem_re;
    logic        mem_we;
    logic [1:0]  mem_size;
    logic [63:0] mem_addr;
    logic [63:0] mem_wdata;
    logic        illegal;
  } retire_t;

  // -----------------------------------------------------------------------------------------------
  // CSRs (spec-la64-lvz.md section 1). Only CPUID and SAVE0-15 exist so far; others read 0.
  localparam logic [13:0] CSR_CPUID = 14'h020;
  localparam logic [13:0] CSR_SAVE0 = 14'h030;  // SAVE0..SAVE15 = 0x30..0x3F
  localparam int unsigned NUM_SAVE  = 16;

  // CPUCFG words (spec-la64-lvz.md section 1, "CPUCFG words a small core should return")
  localparam logic [63:0] CPUCFG0_PRID = 64'h0014_C010;  // la464, as QEMU
  // ARCH=LA64, IOCSR, PALEN-1=47, VALEN-1=47, CRC32
  localparam logic [63:0] CPUCFG1_VAL  = 64'(2 | (1 << 3) | (47 << 4) | (47 << 12) | (1 << 25));
  localparam logic [63:0] CPUCFG2_VAL  = 64'((1 << 14) | (1 << 15));  // LLFTP, LLFTP_VER=1; no FP
  // The stable counter ticks once per core clock (architecture.md section 3): 100 MHz x 1 / 1
  localparam logic [63:0] CPUCFG4_VAL  = 64'd100_000_000;
  localparam logic [63:0] CPUCFG5_VAL  = 64'h0001_0001;

  // -----------------------------------------------------------------------------------------------
  // Exception codes (ESTAT.Ecode, spec-la64-lvz.md section 2.1). An exception travels down the
  // pipeline with its instruction and is committed in WB; until the privileged issue adds trap entry,
  // committing one retires the instruction as `illegal` and stops the core.
  typedef enum logic [5:0] {
    EXC_ALE = 6'h09,
    EXC_BCE = 6'h0A,
    EXC_SYS = 6'h0B,
    EXC_BRK = 6'h0C,
    EXC_INE = 6'h0D
  } exc_cause_e;

  // -----------------------------------------------------------------------------------------------
  // Decoder output (control of one instruction)
  typedef enum logic [5:0] {
    ALU_ADD, ALU_SUB, ALU_SLT, ALU_SLTU, ALU_AND, ALU_OR, ALU_XOR, ALU_NOR, ALU_ANDN, ALU_ORN,
    ALU_MASKEQZ, ALU_MASKNEZ, ALU_SLL, ALU_SRL, ALU_SRA, ALU_ROTR, ALU_ALSL, ALU_PCALAU12I,
    ALU_LU32I, ALU_LU52I, ALU_EXTB, ALU_EXTH, ALU_CLO, ALU_CLZ, ALU_CTO, ALU_CTZ,
    ALU_REVB2H, ALU_REVB4H, ALU_REVB2W, ALU_REVBD, ALU_REVH2W, ALU_REVHD,
    ALU_BITREV4B, ALU_BITREV8B, ALU_BITREVW, ALU_BITREVD, ALU_BYTEPICKW, ALU_BYTEPICKD,
    ALU_BSTRINS, ALU_BSTRPICK, ALU_CRC, ALU_CRCC
  } alu_op_e;

  typedef enum logic [1:0] { OPA_RJ, OPA_PC, OPA_ZERO } opa_sel_e;

  typedef enum logic [3:0] {
    BR_NONE, BR_EQZ, BR_NEZ, BR_EQ, BR_NE, BR_LT, BR_GE, BR_LTU, BR_GEU,
    BR_B,        // b / bl: always taken, pc-relative
    BR_JIRL,     // rj-relative
    BR_REFETCH   // ibar: re-fetch from pc+4 so later fetches see earlier stores
  } br_op_e;

  typedef enum logic [3:0] {
    MD_MUL_W, MD_MULH_W, MD_MULH_WU, MD_MUL_D, MD_MULH_D, MD_MULH_DU, MD_MULW_D_W, MD_MULW_D_WU,
    MD_DIV_W, MD_MOD_W, MD_DIV_WU, MD_MOD_WU, MD_DIV_D, MD_MOD_D, MD_DIV_DU, MD_MOD_DU
  } md_op_e;

  // Instructions served at the commit point (WB) by la_csr
  typedef enum logic [2:0] {
    SYS_NONE, SYS_CSRRD, SYS_CSRWR, SYS_CSRXCHG, SYS_RDTIMEL, SYS_RDTIMEH, SYS_RDTIMED, SYS_CPUCFG
  } sys_op_e;

  // Bound checks (asrtle/asrtgt, ldgt/ldle/stgt/stle): BCE unless the condition holds
  typedef enum logic [1:0] { BND_NONE, BND_GT, BND_LE } bound_e;

  typedef struct packed {
    logic       illegal;     // no implementation: INE at commit
    logic       rj_re, rk_re, rd_re;
    logic       rd_we;
    logic [4:0] wa;          // destination (r1 for bl)
    logic [63:0] imm;
    opa_sel_e   opa;
    logic       opb_imm;
    alu_op_e    alu_op;
    logic       alu_w;       // .w: compute on [31:0], sign-extend
    logic       alu_wu;      // alsl.wu: zero-extend instead
    logic       md_en;
    md_op_e     md_op;
    br_op_e     br_op;
    logic       link;        // result = pc + 4 (bl, jirl)
    logic       mem_en;
    mem_op_e    mem_op;
    logic [1:0] mem_size;
    logic       mem_sext;    // loads and am*: sign-extend the value into rd
    logic       mem_data_rk; // am*: the operand is rk; stores and sc use rd
    amo_op_e    amo_op;
    bound_e     bound;
    sys_op_e    sys_op;
  } decoded_t;

  // ID -> EX
  typedef struct packed {
    logic        valid;
    logic [63:0] pc;
    logic [31:0] insn;
    decoded_t    dec;
    logic [63:0] rj_v, rk_v, rd_v;  // operands, already forwarded
  } id_ex_t;

  // EX -> MEM
  typedef struct packed {
    logic        valid;
    logic [63:0] pc;
    logic [31:0] insn;
    logic        exc;
    exc_cause_e  exc_cause;
    logic        rd_we;
    logic [4:0]  wa;
    logic [63:0] result;     // ALU/muldiv/link result
    logic        mem_en;     // a data access was issued
    mem_op_e     mem_op;
    amo_op_e     amo_op;
    logic [1:0]  mem_size;
    logic        mem_sext;
    logic [63:0] mem_addr;
    logic [63:0] mem_wdata;  // right-aligned, truncated to the size
    sys_op_e     sys_op;
    logic [63:0] sys_rj;     // csrxchg mask / cpucfg index
    logic [63:0] sys_rd;     // csrwr/csrxchg value
  } ex_mem_t;

  // MEM -> WB
  typedef struct packed {
    logic        valid;
    logic [63:0] pc;
    logic [31:0] insn;
    logic        exc;
    exc_cause_e  exc_cause;
    logic        rd_we;
    logic [4:0]  wa;
    logic [63:0] result;     // final rd value unless sys_op
    logic        mem_re;
    logic        mem_we;
    logic [1:0]  mem_size;
    logic [63:0] mem_addr;
    logic [63:0] mem_wdata;
    sys_op_e     sys_op;
    logic [63:0] sys_rj;
    logic [63:0] sys_rd;
  } mem_wb_t;

endpackage
