import Foundation
import LFMaintCLI
import LFMaintEdges

MallocArena.shareOne()
exit(await LFMaintCommand.runMain())
