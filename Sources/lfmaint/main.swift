import Foundation
import LFMaintCLI

exit(await LFMaintCommand.runMain())
