// peer_qt.cpp: Qt 5 signals (a QObject with a `tick(qint64)` signal,
// connected to a plain function: a direct connection, run in the emitting
// thread), behind the C interface of peers.h. The moc output for the class
// below is included at the end (CMake's AUTOMOC). Qt's sender filter is
// per object, as GSignal's; only GSignal's is measured.
#include "peers.h"

#include <QObject>
#include <QtGlobal>

// Outside the anonymous namespace: moc qualifies the names it generates.
class BenchQtTicker : public QObject {
    Q_OBJECT

signals:
    void tick(qint64 x);
};

namespace {

using Ticker = BenchQtTicker;

Ticker *tickers[3];  // 0, 1 and 8 receivers

void setup()
{
    for (int i = 0; i < 3; i++)
        tickers[i] = new Ticker;
    QObject::connect(tickers[1], &Ticker::tick, &peer_rx);
    for (int i = 0; i < 8; i++)
        QObject::connect(tickers[2], &Ticker::tick, &peer_rx);
}

void teardown()
{
    for (auto *t : tickers)
        delete t;
}

void emit_n(int k, long n)
{
    Ticker *t = tickers[k == 0 ? 0 : k == 1 ? 1 : 2];
    for (long i = 0; i < n; i++)
        emit t->tick(i);
}

}  // namespace

extern "C" const struct bench_peer bench_peer_qt = {
    "qt", "Qt " QT_VERSION_STR, setup, teardown, emit_n, nullptr, nullptr, nullptr, nullptr, nullptr,
};

#include "peer_qt.moc"
