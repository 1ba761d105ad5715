// Dead-node removal: drops nodes none of whose outputs is read by another node or is a graph output (repeatedly,
// so whole dead chains go), then forgets constants nothing reads.
#pragma once

#include <cstddef>

#include "graph/ir.h"

namespace qwasm::graph {

// Returns the number of nodes removed.
std::size_t remove_dead_nodes(Graph& graph);

}  // namespace qwasm::graph
