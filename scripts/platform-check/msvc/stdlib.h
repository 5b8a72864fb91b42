/* Stand-in for the Windows SDK's <stdlib.h>, for scripts/check-platforms.sh only: ring's C
 * includes it under MSVC for one intrinsic's declaration. There is no Windows SDK on this
 * machine, and a check links nothing, so the declaration is all it needs. */
unsigned long __cdecl _byteswap_ulong(unsigned long);
