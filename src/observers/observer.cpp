#include "observers/observer.h"

#include "core/error.h"
#include "observers/fixed_qparams_observer.h"
#include "observers/histogram_observer.h"
#include "observers/minmax_observer.h"
#include "observers/moving_average_minmax_observer.h"
#include "observers/moving_average_per_channel_minmax_observer.h"
#include "observers/per_channel_minmax_observer.h"

namespace qwasm {

void Observer::observe(const float* data, std::size_t count, const Shape& shape) {
  observe(FloatTensor{shape, std::vector<float>(data, data + count)});
}

std::unique_ptr<Observer> make_observer(const std::string& kind, const ObserverOptions& options) {
  if (kind == "minmax") return std::make_unique<MinMaxObserver>(options);
  if (kind == "moving_average") return std::make_unique<MovingAverageMinMaxObserver>(options);
  if (kind == "per_channel_minmax") return std::make_unique<PerChannelMinMaxObserver>(options);
  if (kind == "moving_average_per_channel") return std::make_unique<MovingAveragePerChannelMinMaxObserver>(options);
  if (kind == "histogram") return std::make_unique<HistogramObserver>(options);
  if (kind == "fixed") return std::make_unique<FixedQParamsObserver>(options);
  fail("unknown observer kind '", kind,
       "' (expected minmax, moving_average, per_channel_minmax, moving_average_per_channel, histogram or fixed)");
}

}  // namespace qwasm
