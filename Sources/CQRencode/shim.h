// libqrencode from the system (Debian: libqrencode-dev), wrapped for Swift.
#include <qrencode.h>
