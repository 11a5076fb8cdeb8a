// queue_peer_qt.cpp: Qt 5's queued connection (qtbase5-dev). A QObject
// sender's `tick(qint64)` signal is connected with Qt::QueuedConnection to
// a member function of a receiver object, which calls queue_rx: each
// emission copies the argument into an event posted to the receiver's
// thread, whose event loop runs the receiver. On one thread (same_thread,
// and the warm-up of the threaded shapes) the receiver lives in
// bench_queue's thread and pop() is QCoreApplication::sendPostedEvents(),
// the step of the event loop that delivers posted events, without its poll
// for file descriptors and timers. In the threaded shapes the receiver is
// moved to a QThread running its event loop (QThread::exec()), the
// producers emit from their own threads and bench_queue's thread waits
// until the receiver has run every message. Posted events are unbounded,
// so a push never fails. Qt allocates them (and its copy of the argument)
// inside libQt5Core with operator new, which queue_peer_new.cpp replaces
// for the whole program, so bench_queue counts them. The moc output for
// the classes below is included at the end (CMake's AUTOMOC).
#include "queue_peer.h"

#include <QCoreApplication>
#include <QObject>
#include <QThread>

#include <clocale>
#include <condition_variable>
#include <mutex>

// Outside the anonymous namespace: moc qualifies the names it generates.
class BenchQtQueueSender : public QObject {
    Q_OBJECT

signals:
    void tick(qint64 x);
};

class BenchQtQueueReceiver : public QObject {
    Q_OBJECT

public:
    void on_tick(qint64 x);
};

namespace {

int app_argc = 1;
char app_name[] = "bench_queue";
char *app_argv[] = {app_name, nullptr};

BenchQtQueueSender *sender;
BenchQtQueueReceiver *receiver;
QThread *consumer;

// Messages the receiver has run, and how many the consumer thread is to
// run (-1 on one thread); written by the receiver's thread only.
long delivered, expected;
std::mutex done_lock;
std::condition_variable done_cv;
bool done;

void qt_setup()
{
    // QThread's event loop wants an application object, as in a Qt program.
    // Its constructor sets the C locale from the environment; numbers are
    // printed as before.
    if (!QCoreApplication::instance()) {
        new QCoreApplication(app_argc, app_argv);
        std::setlocale(LC_NUMERIC, "C");
    }
    sender = new BenchQtQueueSender;
    receiver = new BenchQtQueueReceiver;
    QObject::connect(sender, &BenchQtQueueSender::tick, receiver, &BenchQtQueueReceiver::on_tick,
                     Qt::QueuedConnection);
    delivered = 0;
    expected = -1;
}

void qt_teardown()
{
    if (consumer) {
        consumer->quit();
        consumer->wait();
        delete consumer;
        consumer = nullptr;
    }
    delete receiver;
    delete sender;
}

bool qt_push(int64_t v)
{
    emit sender->tick(v);
    return true;
}

bool qt_pop()
{
    long before = delivered;
    QCoreApplication::sendPostedEvents();
    return delivered != before;
}

// The threaded shapes: the receiver moves to a QThread of its own, whose
// event loop is running when this returns (the blocking call waits for it).
void qt_consumer_start(long n)
{
    delivered = 0;
    expected = n;
    done = false;
    consumer = new QThread;
    receiver->moveToThread(consumer);
    consumer->start();
    QMetaObject::invokeMethod(receiver, [] {}, Qt::BlockingQueuedConnection);
}

void qt_consumer_wait()
{
    std::unique_lock<std::mutex> lock(done_lock);
    done_cv.wait(lock, [] { return done; });
}

} // namespace

void BenchQtQueueReceiver::on_tick(qint64 x)
{
    queue_rx(x);
    if (++delivered == expected) {
        std::lock_guard<std::mutex> lock(done_lock);
        done = true;
        done_cv.notify_one();
    }
}

extern "C" const queue_ops queue_peer_qt = {"qt_queued", qt_setup, qt_teardown, qt_push, qt_pop,
                                            true, false, qt_consumer_start, qt_consumer_wait};

#include "queue_peer_qt.moc"
