/* priv_exc_hw shares the trapping instructions of priv_exc (see priv_exc.S). */
#include "priv_exc.S"
