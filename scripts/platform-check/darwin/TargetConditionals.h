/* Stand-in for the macOS SDK's <TargetConditionals.h>, for scripts/check-platforms.sh only:
 * ring's C includes it on Apple targets to tell macOS from iOS. There is no macOS SDK on this
 * machine, and a check links nothing: these are the values the SDK gives for macOS. */
#define TARGET_OS_MAC 1
#define TARGET_OS_OSX 1
#define TARGET_OS_IPHONE 0
#define TARGET_OS_IOS 0
#define TARGET_OS_TV 0
#define TARGET_OS_WATCH 0
#define TARGET_OS_VISION 0
#define TARGET_OS_SIMULATOR 0
